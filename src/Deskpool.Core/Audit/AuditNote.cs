namespace Deskpool.Core.Audit;

/// <summary>
/// What a use case learnt about the caller that the door could not know beforehand: whose
/// activation link, whose sign-in. Lives for one service scope (one request); the door reads it
/// when it records the request.
/// </summary>
public sealed class AuditNote
{
    public string? ProjectId { get; private set; }

    public AuditActor? Actor { get; private set; }

    public string? EnterpriseProjectId { get; private set; }

    public void ActedBy(string projectId, AuditActor actor, string? enterpriseProjectId)
    {
        ProjectId = projectId;
        Actor = actor;
        EnterpriseProjectId = enterpriseProjectId;
    }
}
