using Deskpool.Core.Mail;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Mail;

/// <summary>
/// A sender that stops between handing a mail to the SMTP server and recording it: the mails it
/// had recorded as sent are never sent again; the one in doubt is sent again with its Message-Id.
/// </summary>
[Collection(MailTestCollection.Name)]
public sealed class MailCrashTests
{
    [Fact]
    public async Task LeaseRunsOutWhileSending_TheMailInDoubtIsSentAgainWithItsMessageId_TheSentOneIsNot()
    {
        var time = Mails.Clock();
        await using var smtp = await SmtpTestServer.StartAsync();
        var arrivals = 0;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondArrived = new TaskCompletionSource<ReceivedMail>(TaskCreationOptions.RunContinuationsAsynchronously);
        smtp.OnMessage = async mail =>
        {
            if (Interlocked.Increment(ref arrivals) == 2)
            {
                secondArrived.SetResult(mail);
                await hold.Task;
            }
        };
        await using var server = await TestServer.StartAsync(Mails.WithoutWorkers(smtp.Settings), time: time);
        var sender = server.Services.GetRequiredService<MailSender>();
        await server.EnqueueAsync("login-details:dave", Mails.Sample("dave@example.com"));
        await server.EnqueueAsync("login-details:erin", Mails.Sample("erin@example.com"));

        // The server has the second mail but has not confirmed it when the sender stops.
        using (var crash = new CancellationTokenSource())
        {
            var round = sender.RunOnceAsync(crash.Token);
            await secondArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await crash.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round);
        }

        hold.SetResult();
        var sent = smtp.Received[0];
        var inDoubt = smtp.Received[1];
        var statuses = (await server.Client.MailsAsync())
            .ToDictionary(m => m.Text("message_id")!, m => m.Status());
        Assert.Equal("SENT", statuses[sent.MessageId]);
        Assert.Equal("SENDING", statuses[inDoubt.MessageId]);

        // While the lease holds, nobody touches the mail in doubt; once it runs out, it goes again.
        Assert.Equal(0, await sender.RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sender.RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await sender.RunOnceAsync(CancellationToken.None));

        Assert.Equal(3, smtp.Received.Count);
        Assert.Single(smtp.Received, m => m.MessageId == sent.MessageId);
        Assert.Equal(2, smtp.Received.Count(m => m.MessageId == inDoubt.MessageId));
        var mails = (await server.Client.MailsAsync())
            .ToDictionary(m => m.Text("message_id")!);
        Assert.Equal(1, mails[sent.MessageId].Attempts());
        Assert.Null(mails[sent.MessageId].Text("last_error"));
        Assert.Equal("SENT", mails[inDoubt.MessageId].Status());
        Assert.Equal(2, mails[inDoubt.MessageId].Attempts());
        Assert.Contains("interrupted", mails[inDoubt.MessageId].Text("last_error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerKilledWhileSending_RestartSendsTheRest_WithoutSendingASentMailAgain()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        var dataDirectory = TestServer.NewDataDirectory();
        var settings = new Dictionary<string, string?>(smtp.Settings)
        {
            ["Deskpool:Mail:BatchSize"] = "1",
            ["Deskpool:Mail:PollInterval"] = "00:00:00.050",
        };
        await using (var writer = await TestServer.StartAsync(Mails.WithoutWorkers(settings), dataDirectory))
        {
            foreach (var user in new[] { "frank", "grace", "heidi" })
            {
                await writer.EnqueueAsync($"login-details:{user}", Mails.Sample($"{user}@example.com"));
            }
        }

        var arrivals = 0;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        smtp.OnMessage = async _ =>
        {
            if (Interlocked.Increment(ref arrivals) == 2)
            {
                secondArrived.SetResult();
                await hold.Task;
            }
        };
        await using (var first = await ServerProcess.StartAsync(dataDirectory, settings))
        {
            await secondArrived.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await first.KillAsync();
        }

        hold.SetResult();
        var sent = smtp.Received[0].MessageId;
        var inDoubt = smtp.Received[1].MessageId;

        await using var second = await ServerProcess.StartAsync(dataDirectory, settings);
        var mails = (await second.Client.WaitUntilSettledAsync(expected: 3)).ToDictionary(m => m.Text("message_id")!);

        Assert.All(mails.Values, m => Assert.Equal("SENT", m.Status()));
        Assert.Equal(4, smtp.Received.Count);
        Assert.Single(smtp.Received, m => m.MessageId == sent);
        Assert.Equal(2, smtp.Received.Count(m => m.MessageId == inDoubt));
        Assert.Equal(3, smtp.Received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(1, mails[sent].Attempts());
        Assert.Equal(2, mails[inDoubt].Attempts());
        Assert.Contains("interrupted", mails[inDoubt].Text("last_error"), StringComparison.Ordinal);
    }
}
