namespace Deskpool.Drivers.Simulated;

/// <summary>
/// Settings of the simulated compute driver. It creates no real machines: it keeps a record of
/// simulated machines in its own SQLite file and behaves like a hypervisor that takes time to
/// boot, runs out of capacity and fails now and then, all reproducibly under a seed.
/// </summary>
public sealed class SimulatedDriverOptions
{
    public const string Section = "Deskpool:Drivers:Simulated";

    /// <summary>How long a new machine takes to boot.</summary>
    public TimeSpan BootTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long every other operation takes.</summary>
    public TimeSpan OperationLatency { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Share of operations (0 to 1) that fail; which ones is decided by the seed, not by chance.</summary>
    public double FailureRate { get; set; }

    /// <summary>Images whose machines always fail to build, as if the image were unreadable.</summary>
    public List<string> FailingImageIds { get; init; } = [];

    /// <summary>Images whose machines never finish booting, as if the guest hung (tests readiness time-outs).</summary>
    public List<string> NeverReadyImageIds { get; init; } = [];

    /// <summary>Operations (create, start, stop, reboot, hibernate, reset) that always fail.</summary>
    public List<string> FailingOperations { get; init; } = [];

    /// <summary>Most machines each zone can hold; zones not listed are unbounded.</summary>
    public Dictionary<string, int> ZoneCapacity { get; init; } = [];

    public int Seed { get; set; } = 1;

    /// <summary>The SQLite file that stands for the hypervisor's own state (default: in the data folder).</summary>
    public string? StatePath { get; set; }
}
