namespace Deskpool.Core.Users;

public enum ActivationType
{
    /// <summary>The user sets a password through an e-mailed, single-use activation link.</summary>
    UserActivate,

    /// <summary>The administrator sets the initial password.</summary>
    AdminActivate,
}

/// <summary>An end user of a project's desktops.</summary>
public sealed class User
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>The username as stored: Unicode-normalised (NFKC).</summary>
    public required string UserName { get; init; }

    /// <summary>The username folded for comparison; unique per project.</summary>
    public required string UserNameKey { get; init; }

    public string? Email { get; set; }

    /// <summary>The e-mail address folded for comparison; unique per project when present.</summary>
    public string? EmailKey { get; set; }

    public string? Phone { get; set; }

    public string? Description { get; set; }

    public string? AliasName { get; set; }

    public ActivationType ActiveType { get; set; }

    /// <summary>When the account stops working; null means never.</summary>
    public DateTimeOffset? AccountExpires { get; set; }

    public bool EnableChangePassword { get; set; } = true;

    public bool NextLoginChangePassword { get; set; } = true;

    public bool PasswordNeverExpired { get; set; }

    public bool Disabled { get; set; }

    public bool Locked { get; set; }

    /// <summary>Wrong passwords given in a row at sign-in; a right one resets it.</summary>
    public int FailedSignIns { get; set; }

    public DateTimeOffset? LastFailedSignInAt { get; set; }

    /// <summary>No sign-in attempt is checked before this instant (the slow-down after wrong passwords).</summary>
    public DateTimeOffset? NextSignInAt { get; set; }

    /// <summary>Set once the user has a password: by activation, or by the administrator at creation.</summary>
    public DateTimeOffset? ActivatedAt { get; set; }

    /// <summary>A slow salted hash (ASP.NET Core's PBKDF2 hasher); never the password.</summary>
    public string? PasswordHash { get; set; }

    public string EnterpriseProjectId { get; set; } = "0";

    public string? UserInfoMap { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public long Version { get; set; }

    public bool IsActivated => ActivatedAt is not null;
}

/// <summary>A single-use token e-mailed to a user to set a password (activation or reset).</summary>
public sealed class ActivationToken
{
    public required string Id { get; init; }

    public required string UserId { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>SHA-256 of the token; the token itself only travels in the e-mail.</summary>
    public required string TokenDigest { get; init; }

    public required string Purpose { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }

    public const string Activate = "activate";
    public const string ResetPassword = "reset-password";
}

public enum GroupPlatform
{
    /// <summary>A common (built-in) group kept by Deskpool itself.</summary>
    Local,

    /// <summary>A group of an Active Directory domain (recorded now; the directory link comes later).</summary>
    Ad,
}

public sealed class UserGroup
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string Name { get; set; }

    public required string NameKey { get; set; }

    public GroupPlatform Platform { get; init; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class GroupMembership
{
    public required string GroupId { get; init; }

    public required string UserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
