using Deskpool.Core.Pools;

namespace Deskpool.Core.Broker;

/// <summary>Where a binding's user session stands.</summary>
public enum SessionState
{
    /// <summary>Bound, but the user has not connected yet (a desktop still being prepared, or an administrator's assignment).</summary>
    Assigned,

    /// <summary>The user was handed the connection details, or the desktop reports a live session.</summary>
    Connected,

    /// <summary>The user left; in a dynamic pool the retention deadline runs.</summary>
    Disconnected,
}

/// <summary>
/// A desktop assigned to a user. The database enforces the two promises of the broker with unique
/// indexes: a desktop has at most one binding, and a user holds at most one desktop per pool. The
/// row is removed when the binding ends; the desktop's event history keeps what happened.
/// </summary>
public sealed class Binding
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string PoolId { get; init; }

    public required string DesktopId { get; init; }

    public required string UserId { get; init; }

    public required string UserName { get; init; }

    /// <summary>Static pools keep a binding for good; dynamic ones release it after the retention period.</summary>
    public bool Permanent { get; init; }

    public SessionState State { get; set; }

    public DateTimeOffset BoundAt { get; init; }

    public DateTimeOffset? ConnectedAt { get; set; }

    public DateTimeOffset? DisconnectedAt { get; set; }

    /// <summary>When the binding ends if the user does not come back (absolute UTC); null while none runs.</summary>
    public DateTimeOffset? ReleaseAt { get; set; }

    /// <summary>Whether the user ever got the desktop's connection details; an unused desktop needs no reset.</summary>
    public bool Used { get; set; }

    /// <summary>The last sign of life from the desktop's agent; null when no agent ever reported.</summary>
    public DateTimeOffset? AgentSeenAt { get; set; }

    /// <summary>SHA-256 of the one-time connection ticket last issued; cleared when redeemed.</summary>
    public string? TicketDigest { get; set; }

    public DateTimeOffset? TicketExpiresAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every change.</summary>
    public long Version { get; set; }

    /// <summary>A new binding of a pool's desktop to a user, kept for good in a static pool.</summary>
    public static Binding New(Pool pool, string desktopId, string userId, string userName, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        ProjectId = pool.ProjectId,
        PoolId = pool.Id,
        DesktopId = desktopId,
        UserId = userId,
        UserName = userName,
        Permanent = pool.Type == PoolType.Static,
        State = SessionState.Assigned,
        BoundAt = now,
    };
}

/// <summary>A signed-in end user. Only the digest of the bearer token is stored.</summary>
public sealed class EndUserSession
{
    public required string Id { get; init; }

    public required string TokenDigest { get; init; }

    public required string ProjectId { get; init; }

    public required string UserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>The secret a desktop's agent authenticates with; only its digest is stored.</summary>
public sealed class DesktopAgentKey
{
    public required string DesktopId { get; init; }

    public required string ProjectId { get; init; }

    public required string KeyDigest { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
