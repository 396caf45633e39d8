using Deskpool.Core.Mail;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Users;

/// <summary>
/// The mails end users receive: a link to set their password (activation or reset), and their
/// login details when desktops become available. None of them carries a password.
/// </summary>
public sealed class UserMails(Outbox outbox, IOptions<UserAccountOptions> options) : IUserMail
{
    private static readonly MailTemplate SetPassword = new(
        "{{action}} your Deskpool desktop account",
        """
        Hello {{user}},

        {{intro}}

          Username:       {{user}}
          Access address: {{access}}

        Set your password with this link. It works once and expires at {{expires}} UTC:

          {{link}}

        Then install the desktop client, sign in with your username and new password, and connect.
        If you did not expect this mail, ignore it; nothing changes until the link is used.
        """,
        """
        <p>Hello {{user}},</p>
        <p>{{intro}}</p>
        <table><tr><td>Username</td><td><b>{{user}}</b></td></tr><tr><td>Access address</td><td>{{access}}</td></tr></table>
        <p><a href="{{link}}">Set your password</a>. The link works once and expires at {{expires}} UTC.</p>
        <p>Then install the desktop client, sign in with your username and new password, and connect.</p>
        <p>If you did not expect this mail, ignore it; nothing changes until the link is used.</p>
        """);

    private static readonly MailTemplate Ready = new(
        "Your desktops in {{pool}} are ready",
        """
        Hello {{user}},

        You may now use the desktops of pool {{pool}}.

          Username:       {{user}}
          Access address: {{access}}
          Web portal:     {{portal}}

        What to do next:
          1. Install the desktop client.
          2. Sign in at the access address with your username and your password.
          3. Choose {{pool}} and connect.

        Or sign in to the web portal, where Connect shows the connection details for your client.

        Your password is never sent by mail. If you forgot it, ask your administrator for a reset link.
        """,
        """
        <p>Hello {{user}},</p>
        <p>You may now use the desktops of pool <b>{{pool}}</b>.</p>
        <table><tr><td>Username</td><td><b>{{user}}</b></td></tr><tr><td>Access address</td><td>{{access}}</td></tr>
        <tr><td>Web portal</td><td><a href="{{portal}}">{{portal}}</a></td></tr></table>
        <ol><li>Install the desktop client.</li><li>Sign in at the access address with your username and your password.</li>
        <li>Choose {{pool}} and connect.</li></ol>
        <p>Or sign in to the web portal, where Connect shows the connection details for your client.</p>
        <p>Your password is never sent by mail. If you forgot it, ask your administrator for a reset link.</p>
        """);

    public async Task QueueSetPasswordAsync(
        User user, string token, string purpose, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var activation = purpose == ActivationToken.Activate;
        var access = options.Value.PublicUrl.TrimEnd('/');
        var content = SetPassword.Render(user.Email!, new Dictionary<string, string>
        {
            ["action"] = activation ? "Activate" : "Reset the password of",
            ["intro"] = activation
                ? "An administrator created a desktop account for you."
                : "An administrator asked for a new password for your desktop account.",
            ["user"] = user.UserName,
            ["access"] = access,
            ["expires"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm"),
            // The token rides in the fragment, which browsers never send: it cannot end up in
            // request logs or proxies' access logs on the way to the activation page.
            ["link"] = $"{access}/portal/activate#token={Uri.EscapeDataString(token)}",
        });

        // One mail per link: the key names the link (by its digest), so a resend is a new mail.
        await EnqueueAsync(user, $"{purpose}:{Tenancy.Tokens.Digest(token)[..32]}", content, cancellationToken);
    }

    public async Task QueueLoginDetailsAsync(User user, string poolId, string poolName, CancellationToken cancellationToken)
    {
        var content = Ready.Render(user.Email!, new Dictionary<string, string>
        {
            ["user"] = user.UserName,
            ["pool"] = poolName,
            ["access"] = options.Value.PublicUrl.TrimEnd('/'),
            ["portal"] = PortalSignIn(user),
        });
        await EnqueueAsync(user, $"login-details:{user.Id}:{poolId}", content, cancellationToken);
    }

    /// <summary>The end users' portal's sign-in, with the project and username filled in.</summary>
    private string PortalSignIn(User user) =>
        $"{options.Value.PublicUrl.TrimEnd('/')}/portal/sign-in?project={Uri.EscapeDataString(user.ProjectId)}" +
        $"&user={Uri.EscapeDataString(user.UserName)}";

    private async Task EnqueueAsync(User user, string key, MailContent content, CancellationToken cancellationToken)
    {
        var queued = await outbox.EnqueueAsync(user.ProjectId, key, content, cancellationToken);
        if (!queued.Succeeded)
        {
            // The address passed the user rules, so the outbox refusing it is a programming error.
            throw new InvalidOperationException($"A mail to user {user.Id} was refused: {queued.Failure.Message}");
        }
    }
}
