using Deskpool.Core.Mail;
using Deskpool.Core.Persistence;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Deskpool.Tests.Mail;

/// <summary>Mails sent to a real SMTP server on 127.0.0.1: what arrives, and what happens when it refuses or is down.
/// </summary>
[Collection(MailTestCollection.Name)]
public sealed class SmtpDeliveryTests
{
    [Fact]
    public async Task QueuedMail_ArrivesAtTheSmtpServer_WithHeadersBothPartsAndTheRecipient()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var server = await TestServer.StartAsync(smtp.Settings);

        var queued = await server.EnqueueAsync("login-details:alice", Mails.Sample("alice@example.com"));

        var received = (await smtp.WaitForAsync(m => m.MessageId == queued.MessageId)).Single();
        Assert.Equal(["alice@example.com"], received.EnvelopeTo);
        Assert.Equal("noreply@deskpool.test", received.EnvelopeFrom);
        var message = received.Message;
        Assert.Equal("alice@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal("Deskpool", message.From.Mailboxes.Single().Name);
        Assert.Equal("noreply@deskpool.test", message.From.Mailboxes.Single().Address);
        Assert.Equal("Your Deskpool login details", message.Subject);
        Assert.EndsWith("@deskpool.test", queued.MessageId, StringComparison.Ordinal);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType).ToArray());
        Assert.Contains(Mails.TextMarker, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(Mails.HtmlMarker, message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<p>", message.TextBody, StringComparison.Ordinal);

        var listed = (await server.Client.WaitUntilSettledAsync(expected: 1)).Single();
        Assert.Equal("SENT", listed.Status());
        Assert.Equal(1, listed.Attempts());
        Assert.Equal("alice@example.com", listed.Text("to"));
        Assert.Equal("Your Deskpool login details", listed.Text("subject"));
        Assert.Equal(queued.MessageId, listed.Text("message_id"));
        Assert.NotNull(listed.Text("sent_time"));
        Assert.Null(listed.Text("last_error"));
        Assert.DoesNotContain(Mails.TextMarker, listed.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Mails.HtmlMarker, listed.GetRawText(), StringComparison.Ordinal);

        await using var scope = server.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>().MailMessages.SingleAsync();
        Assert.Null(stored.TextBody);
        Assert.Null(stored.HtmlBody);
    }

    [Fact]
    public async Task RecipientRefusedForNow_IsRetriedAfterTheBackoff_ThenDelivered()
    {
        var time = Mails.Clock();
        await using var smtp = await SmtpTestServer.StartAsync();
        var refusals = 1;
        smtp.RecipientPolicy = _ =>
            Interlocked.Decrement(ref refusals) >= 0 ? (451, "4.3.0 Mailbox busy, try again later") : null;
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers(smtp.Settings), time: time);
        var sender = server.Services.GetRequiredService<MailSender>();
        var queued = await server.EnqueueAsync("login-details:bob", Mails.Sample("bob@example.com"));

        Assert.Equal(1, await sender.RunOnceAsync(CancellationToken.None));
        var waiting = await server.Client.MailAsync(queued.Id);
        Assert.Equal("QUEUED", waiting.Status());
        Assert.Equal(1, waiting.Attempts());
        Assert.Contains("451", waiting.Text("last_error"), StringComparison.Ordinal);
        Assert.Contains("bob@example.com", waiting.Text("last_error"), StringComparison.Ordinal);
        Assert.Equal(Mails.WireTime(time.GetUtcNow().AddSeconds(30)), waiting.Text("next_attempt_time"));
        Assert.Empty(smtp.Received);

        Assert.Equal(0, await sender.RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await sender.RunOnceAsync(CancellationToken.None));

        var sent = await server.Client.MailAsync(queued.Id);
        Assert.Equal("SENT", sent.Status());
        Assert.Equal(2, sent.Attempts());
        Assert.Equal(Mails.WireTime(time.GetUtcNow()), sent.Text("sent_time"));
        Assert.Null(sent.Text("next_attempt_time"));
        Assert.Equal(queued.MessageId, Assert.Single(smtp.Received).MessageId);
    }

    [Fact]
    public async Task RecipientRefusedForGood_FailsAtOnce_WithTheRefusalVisibleInTheApi()
    {
        var time = Mails.Clock();
        await using var smtp = await SmtpTestServer.StartAsync();
        smtp.RecipientPolicy = to => to == "nobody@example.com" ? (550, "5.1.1 No such user here") : null;
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers(smtp.Settings), time: time);
        var sender = server.Services.GetRequiredService<MailSender>();
        var queued = await server.EnqueueAsync("login-details:nobody", Mails.Sample("nobody@example.com"));

        Assert.Equal(1, await sender.RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await sender.RunOnceAsync(CancellationToken.None));

        var failed = Assert.Single(await server.Client.MailsAsync("?status=FAILED"));
        Assert.Equal(queued.Id, failed.Text("id"));
        Assert.Equal(1, failed.Attempts());
        Assert.Contains("refused the recipient nobody@example.com: 550 5.1.1 No such user here",
            failed.Text("last_error"), StringComparison.Ordinal);
        Assert.Null(failed.Text("sent_time"));
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task ServerDown_RetriesWithDoublingBackoff_ThenFailsAfterMaxAttempts_WithTheErrorInTheApi()
    {
        var time = Mails.Clock();
        var port = SmtpTestServer.FreePort();
        var settings = Mails.WithoutWorkers(new Dictionary<string, string?>
        {
            ["Deskpool:Mail:Smtp:Host"] = "127.0.0.1",
            ["Deskpool:Mail:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Deskpool:Mail:Smtp:Security"] = "starttls",
            ["Deskpool:Mail:MaxAttempts"] = "4",
            ["Deskpool:Mail:RetryDelay"] = "00:00:10",
            ["Deskpool:Mail:MaxRetryDelay"] = "00:00:25",
        });
        await using var server = await TestServer.StartAsync(settings, time: time);
        var sender = server.Services.GetRequiredService<MailSender>();
        var queued = await server.EnqueueAsync("login-details:carol", Mails.Sample("carol@example.com"));

        var attempt = 0;
        foreach (var delay in new[] { 10, 20, 25 })
        {
            attempt++;
            Assert.Equal(1, await sender.RunOnceAsync(CancellationToken.None));
            var waiting = await server.Client.MailAsync(queued.Id);
            Assert.Equal("QUEUED", waiting.Status());
            Assert.Equal(attempt, waiting.Attempts());
            Assert.Contains($"Could not connect to the SMTP server 127.0.0.1:{port}", waiting.Text("last_error"),
                StringComparison.Ordinal);
            Assert.Equal(Mails.WireTime(time.GetUtcNow().AddSeconds(delay)), waiting.Text("next_attempt_time"));

            time.Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, await sender.RunOnceAsync(CancellationToken.None));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(1, await sender.RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await sender.RunOnceAsync(CancellationToken.None));

        var failed = Assert.Single(await server.Client.MailsAsync("?status=FAILED"));
        Assert.Equal(4, failed.Attempts());
        Assert.Contains("Could not connect", failed.Text("last_error"), StringComparison.Ordinal);
        Assert.EndsWith("(gave up after 4 attempts)", failed.Text("last_error"), StringComparison.Ordinal);
        Assert.Null(failed.Text("next_attempt_time"));
        Assert.Equal(0, (await server.Client.ListAsync("?status=QUEUED")).GetProperty("total_count").GetInt32());
    }
}
