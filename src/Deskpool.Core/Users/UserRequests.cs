namespace Deskpool.Core.Users;

public sealed record CreateUserRequest
{
    public string? UserName { get; init; }

    public string? UserEmail { get; init; }

    public string? UserPhone { get; init; }

    /// <summary><c>"0"</c> for never, or a UTC time string.</summary>
    public string? AccountExpires { get; init; }

    public string? ActiveType { get; init; }

    public string? Password { get; init; }

    public bool? EnableChangePassword { get; init; }

    public bool? NextLoginChangePassword { get; init; }

    public List<string?>? GroupIds { get; init; }

    public string? Description { get; init; }

    public string? AliasName { get; init; }

    public string? EnterpriseProjectId { get; init; }

    public string? UserInfoMap { get; init; }

    public string? Domain { get; init; }
}

public sealed record BatchCreateUsersRequest(List<CreateUserRequest?>? Users);

public sealed record UpdateUserRequest
{
    // Present on the wire but not changeable here; the rules refuse them rather than ignore them.
    public string? UserName { get; init; }

    public string? Password { get; init; }

    public string? Description { get; init; }

    public string? UserEmail { get; init; }

    public string? UserPhone { get; init; }

    public string? ActiveType { get; init; }

    public string? AccountExpires { get; init; }

    public bool? EnableChangePassword { get; init; }

    public bool? NextLoginChangePassword { get; init; }

    public bool? PasswordNeverExpired { get; init; }

    public bool? Disabled { get; init; }

    public string? UserInfoMap { get; init; }
}

public sealed record BatchDeleteUsersRequest(List<string?>? UserIds);

public sealed record UserActionRequest(string? OpType);

public sealed record UserListQuery(
    string? UserName,
    string? Description,
    string? ActiveType,
    string? GroupName,
    string? EnterpriseProjectId,
    bool? Disabled,
    int Offset,
    int Limit);

/// <summary>The end user's side: set a password with an activation or reset token.</summary>
public sealed record ActivateRequest(string? Token, string? Password);

/// <summary>The account an activation or reset link belongs to, and until when the link works.</summary>
public sealed record ActivationLink(string ProjectId, string UserName, DateTimeOffset ExpiresAt);

/// <summary>The end user's side: change the password (required at first sign-in when the flag says so).</summary>
public sealed record ChangePasswordRequest(string? ProjectId, string? UserName, string? OldPassword, string? NewPassword);

public static class ActiveTypes
{
    public const string User = "USER_ACTIVATE";
    public const string Admin = "ADMIN_ACTIVATE";

    public static readonly string[] All = [User, Admin];

    public static string Wire(ActivationType type) => type == ActivationType.AdminActivate ? Admin : User;
}
