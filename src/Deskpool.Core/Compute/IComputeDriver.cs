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

    Task<MachineInfo> StartAsync(MachineRef machine, CancellationToken cancellationToken);

    Task<MachineInfo> StopAsync(MachineRef machine, bool hard, CancellationToken cancellationToken);

    Task<MachineInfo> RebootAsync(MachineRef machine, bool hard, CancellationToken cancellationToken);

    Task<MachineInfo> HibernateAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>
    /// Throws the system disk away, builds it again from the spec's image and boots the machine;
    /// data disks are kept. Retrying a reset that was cut short resets again, which is safe.
    /// </summary>
    Task<MachineInfo> ResetAsync(MachineSpec spec, CancellationToken cancellationToken);

    Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>The machine as the back end sees it, or null when it has no such machine.</summary>
    Task<MachineInfo?> FindAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>Where a client reaches the machine's display (the broker hands this out with a ticket).</summary>
    Task<ConsoleEndpoint> GetConsoleAsync(MachineRef machine, CancellationToken cancellationToken);
}

/// <summary>Which machine an operation is for: its desktop id, computer name and zone.</summary>
public sealed record MachineRef(string DesktopId, string ComputerName, string AvailabilityZone);

/// <summary>A machine's display endpoint: protocol (RDP, VNC, SPICE), host and port.</summary>
public sealed record ConsoleEndpoint(string Protocol, string Host, int Port);

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
    string MacAddress)
{
    public MachineRef Ref => new(DesktopId, ComputerName, AvailabilityZone);
}

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
    public const string NotReadyInTime = "WKS.00100006";

    public string Code { get; } = code;
}
