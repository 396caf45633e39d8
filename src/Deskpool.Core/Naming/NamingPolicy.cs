namespace Deskpool.Core.Naming;

/// <summary>How computer names are generated: prefix + zero-padded counter, from a start number.</summary>
public sealed class NamingPolicy
{
    /// <summary>The placeholder a prefix may carry to embed the username (not usable for pools).</summary>
    public const string UserPlaceholder = "$DomainUser$";

    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string PolicyName { get; set; }

    public required string NamePrefix { get; set; }

    public int DigitNumber { get; set; }

    public int StartNumber { get; set; }

    /// <summary>1 = one counter per username; 0 = one counter per tenant.</summary>
    public int SingleDomainUserInc { get; set; }

    public bool IsDefaultPolicy { get; set; }

    public bool PrefixTruncationEnabled { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public bool ContainsUser => NamePrefix.Contains(UserPlaceholder, StringComparison.Ordinal);
}

/// <summary>
/// The next counter value for one computer-name prefix in a project. Numbers are never reused,
/// so no two desktops of a project ever share a computer name, even after deletions.
/// </summary>
public sealed class NameSequence
{
    public required string ProjectId { get; init; }

    public required string Prefix { get; init; }

    public long Next { get; set; }

    public long Version { get; set; }
}
