using Deskpool.Core.Broker;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.WebConsole.Access;

/// <summary>
/// Calls the broker for the end user signed in to this circuit. The user is looked up again from the
/// session token before every call, as the REST API's bearer check does: a circuit lives long, and a
/// session that ended meanwhile (signed out elsewhere, expired, account locked or disabled) sends the
/// browser back to the sign-in page instead of acting for someone who may no longer act.
/// </summary>
internal sealed class PortalCalls(
    IServiceScopeFactory scopes,
    AuthenticationStateProvider authentication,
    NavigationManager navigation,
    Broker broker)
{
    /// <summary>The broker, to be called with the user <see cref="UserAsync"/> answered.</summary>
    public Broker Broker => broker;

    /// <summary>The signed-in end user, or null (and the browser on its way to the sign-in page).</summary>
    public async Task<EndUser?> UserAsync()
    {
        var token = PortalAccount.SessionToken((await authentication.GetAuthenticationStateAsync()).User);
        EndUser? user = null;
        if (token is not null)
        {
            await using var scope = scopes.CreateAsyncScope();
            user = await scope.ServiceProvider.GetRequiredService<SignInService>().ResolveAsync(token, CancellationToken.None);
        }

        if (user is null)
        {
            navigation.NavigateTo(PortalAccount.BasePath + "/sign-in?expired=1", forceLoad: true);
        }

        return user;
    }
}
