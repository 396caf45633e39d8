using System.Net;
using Deskpool.Core.Mail;
using Deskpool.Core.Persistence;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Deskpool.Tests.Mail;

/// <summary>Queuing mails: the outbox folder default, idempotency keys, validation, templates and the list.</summary>
[Collection(MailTestCollection.Name)]
public sealed class OutboxTests
{
    [Fact]
    public async Task WithoutSmtp_TheMailIsWrittenAsAParseableEmlFile_InTheOutboxFolder()
    {
        await using var server = await TestServer.StartAsync();

        var queued = await server.EnqueueAsync("login-details:ivan", Mails.Sample("ivan@example.com"));

        var listed = (await server.Client.WaitUntilSettledAsync(expected: 1)).Single();
        Assert.Equal("SENT", listed.Status());
        var outbox = Path.Combine(server.DataDirectory, "outbox");
        var path = Path.Combine(outbox, $"{queued.Id}.eml");
        Assert.Equal([path], Directory.GetFiles(outbox));
        var message = await MimeMessage.LoadAsync(path);
        Assert.Equal(queued.MessageId, message.MessageId);
        Assert.Equal("ivan@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal("deskpool@localhost", message.From.Mailboxes.Single().Address);
        Assert.Equal("Your Deskpool login details", message.Subject);
        Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Contains(Mails.TextMarker, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(Mails.HtmlMarker, message.HtmlBody, StringComparison.Ordinal);
        var raw = await File.ReadAllTextAsync(path);
        Assert.Contains("\r\nSubject: Your Deskpool login details\r\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameIdempotencyKey_QueuesTheMailOnce_BeforeAndAfterItIsSent()
    {
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers([]));

        var first = await server.EnqueueAsync("activation:u1", Mails.Sample("u1@example.com"));
        var again = await server.EnqueueAsync("activation:u1", Mails.Sample("someone-else@example.com"));
        Assert.False(first.AlreadyQueued);
        Assert.True(again.AlreadyQueued);
        Assert.Equal(first.Id, again.Id);

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
            var mail = Mails.Sample("u2@example.com");
            var one = await outbox.EnqueueAsync(TestServer.ProjectA, "activation:u2", mail, default);
            var two = await outbox.EnqueueAsync(TestServer.ProjectA, "activation:u2", mail, default);
            Assert.True(two.Value!.AlreadyQueued);
            Assert.Equal(one.Value!.Id, two.Value.Id);

            // A caller that drops its unit of work and starts over queues the mail afresh.
            var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
            db.ChangeTracker.Clear();
            var three = await outbox.EnqueueAsync(TestServer.ProjectA, "activation:u2", mail, default);
            Assert.False(three.Value!.AlreadyQueued);
            await db.SaveChangesAsync();
        }

        var otherProject = await server.EnqueueAsync(
            "activation:u1", Mails.Sample("u1@example.org"), TestServer.ProjectB);
        Assert.False(otherProject.AlreadyQueued);

        Assert.Equal(3, await server.Services.GetRequiredService<MailSender>().RunOnceAsync(default));
        var afterSending = await server.EnqueueAsync("activation:u1", Mails.Sample("u1@example.com"));
        Assert.True(afterSending.AlreadyQueued);

        var listA = await server.Client.ListAsync();
        Assert.Equal(2, listA.GetProperty("total_count").GetInt32());
        Assert.All(listA.GetProperty("mail_messages").EnumerateArray(), m => Assert.Equal("SENT", m.Status()));
        var listB = await server.ClientFor(TestServer.TokenB).ListAsync(project: TestServer.ProjectB);
        Assert.Equal("u1@example.org", listB.GetProperty("mail_messages").EnumerateArray().Single().Text("to"));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(server.DataDirectory, "outbox")).Length);
    }

    [Fact]
    public async Task TwoUnitsOfWorkRacingWithOneKey_TheDatabaseKeepsOneMail()
    {
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers([]));
        await using var scopeA = server.Services.CreateAsyncScope();
        await using var scopeB = server.Services.CreateAsyncScope();

        var a = await scopeA.ServiceProvider.GetRequiredService<Outbox>()
            .EnqueueAsync(TestServer.ProjectA, "activation:race", Mails.Sample(), default);
        var b = await scopeB.ServiceProvider.GetRequiredService<Outbox>()
            .EnqueueAsync(TestServer.ProjectA, "activation:race", Mails.Sample(), default);
        Assert.False(a.Value!.AlreadyQueued);
        Assert.False(b.Value!.AlreadyQueued);

        await scopeA.ServiceProvider.GetRequiredService<DeskpoolDbContext>().SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateException>(
            () => scopeB.ServiceProvider.GetRequiredService<DeskpoolDbContext>().SaveChangesAsync());

        var list = await server.Client.ListAsync();
        Assert.Equal(a.Value.Id, list.GetProperty("mail_messages").EnumerateArray().Single().Text("id"));
    }

    [Fact]
    public async Task InvalidMail_IsRefusedWithTheFieldAndRule_AndNothingIsQueued()
    {
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers([]));
        await using var scope = server.Services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();

        const string project = TestServer.ProjectA;
        var badAddress = await outbox.EnqueueAsync(project, "k1", Mails.Sample("Alice <alice@example.com>"), default);
        var injected = Mails.Sample(subject: "Hi\r\nBcc: x@example.com");
        var twoLines = await outbox.EnqueueAsync(project, "k2", injected, default);
        var noText = await outbox.EnqueueAsync(project, "k3", Mails.Sample() with { TextBody = " " }, default);
        var noKey = await outbox.EnqueueAsync(project, "", Mails.Sample(), default);

        Assert.Equal("to", badAddress.Failure!.Field);
        Assert.Equal("subject", twoLines.Failure!.Field);
        Assert.Equal("text_body", noText.Failure!.Field);
        Assert.Equal("idempotency_key", noKey.Failure!.Field);
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>().SaveChangesAsync());
    }

    [Fact]
    public async Task MailList_RefusesAnUnknownStatus_AndAnotherProjectsToken()
    {
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers([]));

        var (badStatus, error) = await server.Client.GetJsonAsync(Wire.Path("mail-messages?status=LOST"));
        var (foreign, _) = await server.ClientFor(TestServer.TokenB).GetJsonAsync(Wire.Path("mail-messages"));
        var (readOnly, _) = await server.ClientFor(TestServer.ReadOnlyTokenA).GetJsonAsync(Wire.Path("mail-messages"));

        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal("WKS.0004", error.Code());
        Assert.Equal("status", error.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readOnly.StatusCode);
    }

    [Fact]
    public void MailTemplate_EncodesValuesInTheHtmlPartOnly()
    {
        var template = new MailTemplate(
            "Welcome, {{name}}",
            "Hello {{name}}, sign in at {{url}}.",
            "<p>Hello {{ name }}, <a href=\"{{url}}\">sign in</a>.</p>");

        var mail = template.Render("bob@example.com", new Dictionary<string, string>
        {
            ["name"] = "Bob <b>& Co</b>",
            ["url"] = "https://deskpool.test/a?x=1&y=2",
        });

        Assert.Equal("Welcome, Bob <b>& Co</b>", mail.Subject);
        Assert.Equal("Hello Bob <b>& Co</b>, sign in at https://deskpool.test/a?x=1&y=2.", mail.TextBody);
        Assert.Equal(
            "<p>Hello Bob &lt;b&gt;&amp; Co&lt;/b&gt;, " +
            "<a href=\"https://deskpool.test/a?x=1&amp;y=2\">sign in</a>.</p>",
            mail.HtmlBody);
        Assert.Throws<KeyNotFoundException>(() => template.Render("bob@example.com", new Dictionary<string, string>()));
    }
}
