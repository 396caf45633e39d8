namespace Deskpool.Core.Audit;

/// <summary>Who acted: an API credential (or a console session on one), an end user, or the system itself.</summary>
public enum AuditActorKind
{
    Credential,
    EndUser,
    System,
    Anonymous,
}

/// <summary>
/// One recorded change: who, what, when, from where, with what result. Rows are only ever added;
/// the database refuses to update or delete them (see <c>AuditTriggers</c> in each provider).
/// No request body is kept, so no password, token or ticket can end up here.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>The table's name, which each database provider's append-only triggers name too.</summary>
    public const string Table = "audit_events";

    public long Id { get; init; }

    public required string ProjectId { get; init; }

    public DateTimeOffset At { get; init; }

    public AuditActorKind ActorKind { get; init; }

    public string? ActorId { get; init; }

    public string? ActorName { get; init; }

    /// <summary>The operation: the API route's name (<c>CreateDesktopPool</c>) or the console's action.</summary>
    public required string Action { get; init; }

    /// <summary>The ids the operation named, as <c>name=value</c> (<c>poolId=…</c>).</summary>
    public List<string> Targets { get; init; } = [];

    /// <summary>The enterprise project the change concerns, when known; confined readers see only theirs.</summary>
    public string? EnterpriseProjectId { get; set; }

    public string? RemoteAddress { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The HTTP status of the answer; null for console actions, which have none.</summary>
    public int? StatusCode { get; init; }

    public bool Succeeded { get; init; }

    public string? ErrorCode { get; init; }
}

/// <summary>Who acted, as the door or the use case knows it.</summary>
public sealed record AuditActor(AuditActorKind Kind, string? Id, string? Name)
{
    public static readonly AuditActor System = new(AuditActorKind.System, null, "system");

    public static readonly AuditActor Anonymous = new(AuditActorKind.Anonymous, null, null);
}
