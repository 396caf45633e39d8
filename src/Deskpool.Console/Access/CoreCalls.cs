using System.Runtime.CompilerServices;
using Deskpool.Core.Audit;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.WebConsole.Access;

/// <summary>
/// Calls the core use cases for the signed-in project. Each call gets its own service scope (and so
/// its own database context), since a circuit lives long and its events may overlap. Before each
/// change the session's credential is checked again, here in the door and not only by greyed-out
/// buttons: a read-only token changes nothing, and a token deleted meanwhile stops working at once.
/// Every call admits the session's credential to the scope's <see cref="AccessScope"/>, so a token
/// confined to an enterprise project sees and changes only that enterprise project, as on the API.
/// </summary>
internal sealed class CoreCalls(IServiceScopeFactory scopes, ConsoleSession session)
{
    public async Task<T> ReadAsync<TService, T>(Func<TService, string, Task<T>> call)
        where TService : notnull
    {
        var account = await session.AccountAsync();
        await using var scope = scopes.CreateAsyncScope();
        var credential = await scope.ServiceProvider.GetRequiredService<ProjectService>()
            .FindCredentialByIdAsync(account.CredentialId, CancellationToken.None);
        if (credential is null || credential.ProjectId != account.ProjectId)
        {
            throw new InvalidOperationException("The console session's credential no longer exists; sign in again.");
        }

        scope.ServiceProvider.GetRequiredService<AccessScope>().Admit(credential);
        return await call(scope.ServiceProvider.GetRequiredService<TService>(), account.ProjectId);
    }

    public async Task<Failure?> ChangeAsync<TService>(
        Func<TService, string, Task<Failure?>> call,
        [CallerMemberName] string member = "",
        [CallerFilePath] string file = "")
        where TService : notnull
    {
        var outcome = await ChangeAsync<TService, bool>(async (service, projectId) =>
        {
            var failure = await call(service, projectId);
            return failure is null ? (Outcome<bool>)true : failure;
        }, member, file);
        return outcome.Failure;
    }

    /// <summary>
    /// Runs a change and records it in the audit trail as <c>console:{Page}.{Action}</c>, with its
    /// result, whether it was made or refused.
    /// </summary>
    public async Task<Outcome<T>> ChangeAsync<TService, T>(
        Func<TService, string, Task<Outcome<T>>> call,
        [CallerMemberName] string member = "",
        [CallerFilePath] string file = "")
        where TService : notnull
    {
        var account = await session.AccountAsync();
        Outcome<T> outcome;
        ApiCredential? credential;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var allowed = await scope.ServiceProvider.GetRequiredService<ProjectService>()
                .CheckAdministratorAsync(account.ProjectId, account.CredentialId, CancellationToken.None);
            credential = allowed.Value;
            if (allowed.Succeeded)
            {
                scope.ServiceProvider.GetRequiredService<AccessScope>().Admit(allowed.Value);
                outcome = await call(scope.ServiceProvider.GetRequiredService<TService>(), account.ProjectId);
            }
            else
            {
                outcome = allowed.Failure;
            }
        }

        await RecordAsync(account, credential, ActionName(member, file), outcome.Failure);
        return outcome;
    }

    private async Task RecordAsync(
        ConsoleAccountView account, ApiCredential? credential, string action, Failure? failure)
    {
        // A scope of its own: the change's database context may hold what failed to save.
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditTrail>().RecordAsync(new AuditEvent
        {
            ProjectId = account.ProjectId,
            At = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(),
            ActorKind = AuditActorKind.Credential,
            ActorId = account.CredentialId,
            ActorName = credential?.Name,
            Action = action,
            EnterpriseProjectId = credential?.EnterpriseProjectId,
            RemoteAddress = session.RemoteAddress,
            UserAgent = session.UserAgent,
            Succeeded = failure is null,
            ErrorCode = failure?.Code,
        }, CancellationToken.None);
    }

    private static string ActionName(string member, string file)
    {
        var page = Path.GetFileNameWithoutExtension(file.Replace('\\', '/').Split('/')[^1]);
        var action = member.EndsWith("Async", StringComparison.Ordinal) ? member[..^5] : member;
        return $"console:{page}.{action}";
    }
}

/// <summary>Calls a core service in a scope of its own, before anyone is signed in (the sign-in page).</summary>
internal sealed class CoreCallsAnonymous(IServiceScopeFactory scopes)
{
    public async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> call)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
