using System.Net;
using System.Text.RegularExpressions;
using Deskpool.Tests.Api;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Mail;

/// <summary>The users' mails travel through a real SMTP server on loopback and arrive as they should.</summary>
[Collection(MailTestCollection.Name)]
public sealed partial class UserMailDeliveryTests
{
    [GeneratedRegex(@"activate#token=([A-Za-z0-9_%-]+)")]
    private static partial Regex LinkToken();

    [Fact]
    public async Task ActivationAndLoginDetails_ArriveOverSmtp_WithTextAndHtml_AndNoPassword()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var server = await TestServer.StartAsync(smtp.Settings);
        var client = server.Client;
        await client.WaitForJobAsync(await client.CreatePoolAsync(Wire.PoolRequest("smtp-pool", 1)));
        var poolId = (await client.PoolByNameAsync("smtp-pool")).GetProperty("id").GetString();
        var (_, created) = await client.PostJsonAsync(Wire.Path("users"), UserRulesTests.SelfUser("quinn"));
        var userId = created.GetProperty("id").GetString();
        await client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new[] { new { object_id = userId, object_name = "quinn", object_type = "USER", user_group = "users" } },
        });

        var activation = (await smtp.WaitForAsync(m => m.EnvelopeTo.Contains("quinn@example.com")))[0];
        var token = Uri.UnescapeDataString(LinkToken().Match(activation.Message.TextBody ?? "").Groups[1].Value);
        var (activated, _) = await server.ClientFor(null).PostJsonAsync("/v2/end-user/activate", new { token, password = "Qu1nn!desk" });
        var mails = await smtp.WaitForAsync(m => m.EnvelopeTo.Contains("quinn@example.com"), count: 2);
        var ready = mails.Single(m => (m.Message.Subject ?? "").Contains("smtp-pool", StringComparison.Ordinal)).Message;

        Assert.Equal("Activate your Deskpool desktop account", activation.Message.Subject);
        Assert.Equal("noreply@deskpool.test", activation.EnvelopeFrom);
        Assert.NotNull(activation.Message.HtmlBody);
        Assert.Equal(HttpStatusCode.NoContent, activated.StatusCode);
        Assert.Equal("Your desktops in smtp-pool are ready", ready.Subject);
        Assert.Contains("Username:       quinn", ready.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Qu1nn!desk", ready.TextBody + ready.HtmlBody, StringComparison.Ordinal);
    }
}
