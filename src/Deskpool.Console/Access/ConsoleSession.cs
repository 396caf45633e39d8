using Microsoft.AspNetCore.Components.Authorization;

namespace Deskpool.WebConsole.Access;

/// <summary>Who is signed in to this circuit: the project, its name, and whether the token may change things.</summary>
internal sealed record ConsoleAccountView(string ProjectId, string ProjectName, string CredentialId, bool CanChange);

/// <summary>The signed-in account of one console circuit, read from the authentication cookie's claims.</summary>
internal sealed class ConsoleSession(AuthenticationStateProvider authentication)
{
    private ConsoleAccountView? _account;

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
