namespace Deskpool.Core.Pools;

/// <summary>A disk of the pool's specification. <c>Id</c> names the volume set across the pool's desktops.</summary>
public sealed record Volume(string Id, string Type, int Size);

public sealed record Tag(string Key, string Value);

public sealed record AutoscalePolicy(
    string AutoscaleType,
    int? MaxAutoCreated,
    int? MinIdle,
    int? OnceAutoCreated,
    int? MinRetention,
    int? IdleRetentionDuration);

public sealed record UserResetPolicy(bool Enable, int? ResetCountPerDay);

public enum PoolType
{
    Dynamic,
    Static,
}

/// <summary>Pool status as the wire shows it: steady, changing (a job runs), or failed to come up.</summary>
public enum PoolStatus
{
    Steady,
    Temporary,
    Error,
}

public static class AutoscaleTypes
{
    public const string AccessCreated = "ACCESS_CREATED";
    public const string AutoCreated = "AUTO_CREATED";

    public static readonly string[] All = [AccessCreated, AutoCreated];
}

public static class ChargingModes
{
    public const string Prepaid = "0";
    public const string PayPerUse = "1";
}
