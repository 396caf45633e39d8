using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Tenancy;

/// <summary>
/// Who is calling the core in this service scope, and so what the scope's queries may see: the one
/// place where a credential becomes a filter. A door admits the credential it checked; the database
/// context's query filters then keep every read and change to the credential's enterprise project,
/// and the use cases ask here before placing a new resource or changing a project-wide setting.
/// Work nobody asked for through a door (workers, the broker, end users) admits nobody and sees
/// the whole project.
/// </summary>
public sealed class AccessScope(DeskpoolDbContext db)
{
    /// <summary>The credential admitted in this scope, or null for the system's own work.</summary>
    public ApiCredential? Credential { get; private set; }

    /// <summary>The enterprise project the caller is confined to, or null when it sees the whole project.</summary>
    public string? EnterpriseProjectId => Credential?.EnterpriseProjectId;

    public void Admit(ApiCredential credential)
    {
        Credential = credential;
        db.EnterpriseProjectScope = credential.EnterpriseProjectId;
    }

    /// <summary>
    /// Where a new (or moved) pool or user goes: left out, into the caller's enterprise project (or
    /// <paramref name="fallback"/> for an unconfined caller); named, only where the caller may work.
    /// </summary>
    public Outcome<string?> Place(string? requested, string field, string? fallback = null)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return EnterpriseProjectId ?? fallback;
        }

        return EnterpriseProjectId is null || requested == EnterpriseProjectId
            ? requested
            : OutsideScope(field);
    }

    /// <summary>Project-wide settings (groups, naming rules, the service grant) belong to unconfined administrators.</summary>
    public Failure? RefuseProjectWideChange() =>
        EnterpriseProjectId is null
            ? null
            : Failure.Forbidden(ErrorCodes.OutsideEnterpriseProject,
                $"The token is confined to enterprise project {EnterpriseProjectId}; project-wide settings " +
                "are changed only with a token for the whole project.");

    private Failure OutsideScope(string field) =>
        new(FailureKind.Forbidden, ErrorCodes.OutsideEnterpriseProject,
            $"{field} must be {EnterpriseProjectId} (or left out): the token is confined to that enterprise project.",
            field);
}
