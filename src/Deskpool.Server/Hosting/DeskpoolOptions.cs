namespace Deskpool.Server.Hosting;

public sealed class DeskpoolOptions
{
    public const string Section = "Deskpool";

    /// <summary>Where the embedded database and the simulated hypervisor live (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The database file inside the data folder.</summary>
    public string DatabaseFile { get; set; } = "deskpool.db";

    /// <summary>Names this node in leases; by default a name kept in the data folder.</summary>
    public string? NodeId { get; set; }

    /// <summary>Whether this node runs background workers (an API-only node turns them off).</summary>
    public bool RunWorkers { get; set; } = true;
}
