namespace Deskpool.Core.Pools;

public enum AuthorizedObjectType
{
    User,
    UserGroup,
}

/// <summary>A user or user group allowed on a pool, with the local group it joins inside the desktops.</summary>
public sealed class PoolAuthorization
{
    public required string PoolId { get; init; }

    public required string ProjectId { get; init; }

    public AuthorizedObjectType ObjectType { get; init; }

    public required string ObjectId { get; init; }

    /// <summary>The permission group: administrators/users on Windows, sudo/default on Linux.</summary>
    public required string UserGroup { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record AuthorizeRequest(string? Action, List<AuthorizedObjectRequest?>? Objects);

/// <summary>An authorised object as listed, with its current name.</summary>
public sealed record AuthorizedObjectView(
    string ObjectId, string ObjectName, AuthorizedObjectType ObjectType, string UserGroup, DateTimeOffset CreatedAt);

public static class PermissionGroups
{
    public static readonly string[] Windows = ["administrators", "users"];
    public static readonly string[] Linux = ["sudo", "default"];

    public static string[] For(string osType) => osType == "Windows" ? Windows : Linux;
}
