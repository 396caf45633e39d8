using System.Text.Json;
using Deskpool.Core.Mail;
using Deskpool.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Support;

/// <summary>Queues mails the way a use case does, and reads them back through the API.</summary>
public static class Mails
{
    public const string TextMarker = "text-part-marker";
    public const string HtmlMarker = "html-part-marker";

    public static MailContent Sample(
        string to = "alice@example.com", string subject = "Your Deskpool login details") => new(
        to,
        subject,
        $"Hello,\n\nactivate your account at https://deskpool.test/activate (expires in 24 hours). {TextMarker}\n",
        $"<p>Hello,</p><p><a href=\"https://deskpool.test/activate\">Activate your account</a> {HtmlMarker}</p>");

    /// <summary>Settings for a server whose workers stay off, so that a test runs the sender's rounds itself.</summary>
    public static Dictionary<string, string?> WithoutWorkers(Dictionary<string, string?> settings) =>
        new(settings) { ["Deskpool:RunWorkers"] = "false" };

    /// <summary>A fake clock on a whole millisecond, as the database stores instants.</summary>
    public static FakeTimeProvider Clock() =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    /// <summary>Queues one mail in its own unit of work and saves it, as a use case would with its change.</summary>
    public static async Task<QueuedMail> EnqueueAsync(
        this TestServer server, string key, MailContent content, string project = TestServer.ProjectA)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
        var queued = await outbox.EnqueueAsync(project, key, content, CancellationToken.None);
        Assert.True(queued.Succeeded, queued.Failure?.Message);
        await scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>().SaveChangesAsync();
        return queued.Value;
    }

    public static async Task<JsonElement> ListAsync(
        this HttpClient client, string query = "", string project = TestServer.ProjectA)
    {
        var (response, body) = await client.GetJsonAsync(Wire.Path($"mail-messages{query}", project));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return body;
    }

    public static async Task<List<JsonElement>> MailsAsync(this HttpClient client, string query = "?limit=1000") =>
        (await client.ListAsync(query)).GetProperty("mail_messages").EnumerateArray().ToList();

    /// <summary>One mail as the API lists it.</summary>
    public static async Task<JsonElement> MailAsync(this HttpClient client, string mailId) =>
        (await client.MailsAsync()).Single(m => m.GetProperty("id").GetString() == mailId);

    /// <summary>Polls the API until every listed mail of the project is sent or failed.</summary>
    public static async Task<List<JsonElement>> WaitUntilSettledAsync(
        this HttpClient client, int expected, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var mails = await client.MailsAsync();
            if (mails.Count == expected && mails.All(m => m.GetProperty("status").GetString() is "SENT" or "FAILED"))
            {
                return mails;
            }

            var statuses = string.Join(", ", mails.Select(m => m.Status()));
            Assert.True(DateTime.UtcNow < deadline, $"The mails did not settle in time: {statuses}.");
            await Task.Delay(50);
        }
    }

    public static string Status(this JsonElement mail) => mail.GetProperty("status").GetString()!;

    public static int Attempts(this JsonElement mail) => mail.GetProperty("attempts").GetInt32();

    public static string? Text(this JsonElement mail, string property) =>
        mail.TryGetProperty(property, out var value) ? value.GetString() : null;

    public static string WireTime(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
}
