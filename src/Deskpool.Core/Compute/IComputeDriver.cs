namespace Deskpool.Core.Compute;

/// <summary>
/// The one contract every compute back end fulfils. Every operation is keyed by the desktop id
/// and idempotent: creating a machine that already exists returns it, deleting one that is gone
/// counts as done. That is what lets a job be retried after a crash without creating twice.
/// </summary>
public interface IComputeDriver
{
    /// <summary>The name zones use to select this driver in configuration.</summary>
    string Name { get; }

    Task<MachineInfo> CreateAsync(MachineSpec spec, CancellationToken cancellationToken);

    Task<MachineInfo> StartAsync(string desktopId, CancellationToken cancellationToken);

    Task<MachineInfo> StopAsync(string desktopId, bool hard, CancellationToken cancellationToken);

    Task<MachineInfo> RebootAsync(string desktopId, bool hard, CancellationToken cancellationToken);

    Task<MachineInfo> HibernateAsync(string desktopId, CancellationToken cancellationToken);

    Task DeleteAsync(string desktopId, CancellationToken cancellationToken);

    /// <summary>The machine as the back end sees it, or null when it has no such machine.</summary>
    Task<MachineInfo?> FindAsync(string desktopId, CancellationToken cancellationToken);
}

/// <summary>Everything a back end needs to build one desktop.</summary>
public sealed record MachineSpec(
    string DesktopId,
    string ComputerName,
    string AvailabilityZone,
    string ProductId,
    int Cpu,
    int MemoryMb,
    string ImageId,
    DiskSpec SystemDisk,
    IReadOnlyList<DiskSpec> DataDisks,
    string SubnetId,
    string IpAddress,
    string MacAddress);

public sealed record DiskSpec(string Type, int SizeGb);

public enum MachinePowerState
{
    Running,
    Stopped,
    Hibernated,
}

public sealed record MachineInfo(string DesktopId, string AvailabilityZone, MachinePowerState PowerState);

/// <summary>Why a back end refused an operation; the code becomes the sub-job's error code.</summary>
public sealed class ComputeDriverException(string code, string message) : Exception(message)
{
    public const string InsufficientCapacity = "WKS.00100001";
    public const string ImageUnavailable = "WKS.00100002";
    public const string OperationFailed = "WKS.00100003";
    public const string HostUnreachable = "WKS.00100004";
    public const string NoSuchMachine = "WKS.00100005";

    public string Code { get; } = code;
}
