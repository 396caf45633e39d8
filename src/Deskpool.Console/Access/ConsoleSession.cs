using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;

namespace Deskpool.WebConsole.Access;

/// <summary>Who is signed in to this circuit: the project, its name, and whether the token may change things.</summary>
internal sealed record ConsoleAccountView(string ProjectId, string ProjectName, string CredentialId, bool CanChange);

/// <summary>
/// The signed-in account of one console circuit, read from the authentication cookie's claims, and
/// where the circuit was opened from (for the audit trail; the circuit's own connection request is
/// the only request it has).
/// </summary>
internal sealed class ConsoleSession(AuthenticationStateProvider authentication, IHttpContextAccessor http)
{
    private ConsoleAccountView? _account;

    public string? RemoteAddress { get; } = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public string? UserAgent { get; } = http.HttpContext?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent
        ? agent[..Math.Min(agent.Length, Core.Audit.AuditTrail.UserAgentLength)]
        : null;

    public async Task<ConsoleAccountView> AccountAsync()
    {
        if (_account is not null)
        {
            return _account;
        }

        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var projectId = user.FindFirst(ConsoleAccount.ProjectClaim)?.Value
            ?? throw new InvalidOperationException("The console is used without a signed-in project.");
        _account = new ConsoleAccountView(
            projectId,
            user.Identity?.Name ?? projectId,
            user.FindFirst(ConsoleAccount.CredentialClaim)?.Value ?? "",
            user.FindFirst(ConsoleAccount.RoleClaim)?.Value == nameof(Core.Tenancy.CredentialRole.Administrator));
        return _account;
    }
}
