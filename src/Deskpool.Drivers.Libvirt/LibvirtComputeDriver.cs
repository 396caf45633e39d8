using Deskpool.Core.Catalog;
using Deskpool.Core.Compute;
using Deskpool.Drivers.Libvirt.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Drivers.Libvirt;

/// <summary>
/// A compute back end on libvirt hypervisors (KVM through <c>qemu:///system</c> or <c>qemu+ssh://…</c>),
/// one per zone. A desktop is a persistent domain whose system volume is a copy of its image's base
/// volume and whose data volumes are new, all in the zone's storage pool, under names derived from the
/// desktop (<see cref="MachineNames"/>), so every operation finds its machine again after a restart.
/// </summary>
/// <remarks>
/// Every operation is idempotent, as the contract asks: a create that finds its domain adopts it (and
/// boots it if an earlier attempt stopped short of that); a create that finds no domain first removes
/// volumes an attempt cut short left behind; a delete of a machine that is gone counts as done. A
/// create that fails removes what it made.
/// </remarks>
public sealed partial class LibvirtComputeDriver : IComputeDriver, IDisposable
{
    public const string DriverName = "libvirt";

    private static readonly TimeSpan ShutdownPoll = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, LibvirtZone> _zones;
    private readonly TimeProvider _time;
    private readonly ILogger<LibvirtComputeDriver> _logger;

    public LibvirtComputeDriver(
        IOptions<LibvirtDriverOptions> options,
        Catalog catalog,
        TimeProvider time,
        ILogger<LibvirtComputeDriver> logger)
    {
        var problems = LibvirtConfiguration.Problems(options.Value, catalog);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The libvirt compute driver is not set up correctly: " + string.Join(" ", problems));
        }

        _time = time;
        _logger = logger;
        _zones = options.Value.Zones.ToDictionary(
            z => z.Key, z => new LibvirtZone(z.Key, z.Value, time, logger), StringComparer.Ordinal);
    }

    public string Name => DriverName;

    public Task<MachineInfo> CreateAsync(MachineSpec spec, CancellationToken cancellationToken) =>
        OnHostAsync(spec.AvailabilityZone, $"create desktop {spec.ComputerName}",
            (connection, zone) => Create(connection, zone, spec, cancellationToken), cancellationToken);

    public Task<MachineInfo> StartAsync(MachineRef machine, CancellationToken cancellationToken) =>
        OnHostAsync(machine.AvailabilityZone, $"start desktop {machine.ComputerName}", (connection, zone) =>
        {
            using var domain = Require(connection, zone, machine);
            EnsureRunning(domain);
            return Info(machine, domain);
        }, cancellationToken);

    public async Task<MachineInfo> StopAsync(MachineRef machine, bool hard, CancellationToken cancellationToken)
    {
        var asked = await OnHostAsync(machine.AvailabilityZone, $"stop desktop {machine.ComputerName}",
            (connection, zone) =>
            {
                using var domain = Require(connection, zone, machine);
                if (IsActive(domain.State().State))
                {
                    if (hard)
                    {
                        domain.Destroy();
                    }
                    else
                    {
                        domain.Shutdown();
                    }
                }

                return Info(machine, domain);
            }, cancellationToken);
        if (asked.PowerState != MachinePowerState.Running)
        {
            return asked;
        }

        // A soft stop only asks the guest; wait for it to power off, and power it off when it does not.
        var timeout = Zone(machine.AvailabilityZone).Options.ShutdownTimeout;
        var deadline = _time.GetUtcNow() + timeout;
        while (_time.GetUtcNow() < deadline)
        {
            await Task.Delay(ShutdownPoll, _time, cancellationToken);
            var now = await FindAsync(machine, cancellationToken) ?? throw NoSuchMachine(machine);
            if (now.PowerState != MachinePowerState.Running)
            {
                return now;
            }
        }

        Log.ShutdownTimedOut(_logger, machine.ComputerName, machine.AvailabilityZone, timeout);
        return await StopAsync(machine, hard: true, cancellationToken);
    }

    public Task<MachineInfo> RebootAsync(MachineRef machine, bool hard, CancellationToken cancellationToken) =>
        OnHostAsync(machine.AvailabilityZone, $"reboot desktop {machine.ComputerName}", (connection, zone) =>
        {
            using var domain = Require(connection, zone, machine);
            if (!IsActive(domain.State().State))
            {
                EnsureRunning(domain);
            }
            else if (hard)
            {
                domain.Reset();
            }
            else
            {
                domain.Reboot();
            }

            return Info(machine, domain);
        }, cancellationToken);

    public Task<MachineInfo> HibernateAsync(MachineRef machine, CancellationToken cancellationToken) =>
        OnHostAsync(machine.AvailabilityZone, $"hibernate desktop {machine.ComputerName}", (connection, zone) =>
        {
            using var domain = Require(connection, zone, machine);
            if (!IsActive(domain.State().State))
            {
                return domain.HasManagedSaveImage()
                    ? Info(machine, domain)
                    : throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                        $"Desktop {machine.ComputerName} is not running, so there is nothing to hibernate.");
            }

            try
            {
                domain.ManagedSave();
            }
            catch (LibvirtException ex) when (ex.Error.IsUnsupported)
            {
                throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                    $"The hypervisor of zone {zone.Id} cannot hibernate desktops (libvirt managed save is not " +
                    $"supported there): {ex.Error.Message}");
            }

            return Info(machine, domain);
        }, cancellationToken);

    public Task<MachineInfo> ResetAsync(MachineSpec spec, CancellationToken cancellationToken) =>
        OnHostAsync(spec.AvailabilityZone, $"reset desktop {spec.ComputerName}", (connection, zone) =>
        {
            var names = Names(zone, spec.Ref);
            using var domain = Require(connection, zone, spec.Ref);
            using var pool = Pool(connection, zone);
            using var image = BaseVolume(pool, zone, spec);

            // The machine is off and its saved memory (which belongs to the old disk) gone before the
            // disk is replaced; a reset cut short anywhere here is simply done again.
            if (IsActive(domain.State().State))
            {
                domain.Destroy();
            }

            if (domain.HasManagedSaveImage())
            {
                domain.RemoveManagedSaveImage();
            }

            using (var old = pool.FindVolume(names.SystemVolume))
            {
                old?.Delete();
            }

            cancellationToken.ThrowIfCancellationRequested();
            var systemXml = DomainXml.Volume(names.SystemVolume, spec.SystemDisk.SizeGb, zone.Options);
            pool.CloneVolume(systemXml, image).Dispose();

            domain.Start();
            Log.Reset(_logger, spec.ComputerName, zone.Id, names.SystemVolume);
            return Info(spec.Ref, domain);
        }, cancellationToken);

    public Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken) =>
        OnHostAsync(machine.AvailabilityZone, $"delete desktop {machine.ComputerName}", (connection, zone) =>
        {
            var names = Names(zone, machine);
            using (var domain = connection.FindDomain(names.Domain))
            {
                if (domain is not null)
                {
                    RemoveDomain(domain);
                }
            }

            using var pool = Pool(connection, zone);
            var removed = RemoveVolumes(pool, names);
            Log.Deleted(_logger, machine.ComputerName, zone.Id, removed);
            return true;
        }, cancellationToken);

    public Task<MachineInfo?> FindAsync(MachineRef machine, CancellationToken cancellationToken) =>
        OnHostAsync(machine.AvailabilityZone, $"look up desktop {machine.ComputerName}", (connection, zone) =>
        {
            using var domain = connection.FindDomain(Names(zone, machine).Domain);
            return domain is null ? null : Info(machine, domain);
        }, cancellationToken);

    public Task<ConsoleEndpoint> GetConsoleAsync(MachineRef machine, CancellationToken cancellationToken) =>
        OnHostAsync(machine.AvailabilityZone, $"read the display of desktop {machine.ComputerName}",
            (connection, zone) =>
            {
                using var domain = Require(connection, zone, machine);
                if (!IsActive(domain.State().State))
                {
                    // A fixed port is in the definition of a machine that is off too; nothing listens there.
                    throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                        $"Desktop {machine.ComputerName} is not running, so its display is closed.");
                }

                var display = DomainXml.Display(domain.Xml()) ?? throw new ComputeDriverException(
                    ComputeDriverException.OperationFailed, $"Desktop {machine.ComputerName} has no display.");
                if (display.Port is not { } port)
                {
                    throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                        $"The hypervisor has not assigned a display port to desktop {machine.ComputerName}.");
                }

                return new ConsoleEndpoint(display.Protocol, ConsoleHost(zone.Options, display.Listen), port);
            }, cancellationToken);

    public void Dispose()
    {
        foreach (var zone in _zones.Values)
        {
            zone.Dispose();
        }
    }

    /// <summary>Runs blocking libvirt work with the zone's connection (tests look at the hypervisor so).</summary>
    internal Task<T> OnZoneAsync<T>(
        string zoneId, Func<LibvirtConnection, T> work, CancellationToken cancellationToken) =>
        Zone(zoneId).RunAsync(work, cancellationToken);

    /// <summary>The names a machine has on the zone's hypervisor.</summary>
    internal MachineNames NamesOf(MachineRef machine) => Names(Zone(machine.AvailabilityZone), machine);

    internal static bool ListensEverywhere(string? listen) =>
        string.IsNullOrWhiteSpace(listen) || listen is "0.0.0.0" or "::" or "[::]";

    /// <summary>The host of a remote URI (<c>qemu+ssh://host/system</c>); empty for a local hypervisor.</summary>
    internal static string UriHost(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.Host : "";

    private MachineInfo Create(
        LibvirtConnection connection, LibvirtZone zone, MachineSpec spec, CancellationToken token)
    {
        var names = Names(zone, spec.Ref);
        using (var existing = connection.FindDomain(names.Domain))
        {
            if (existing is not null)
            {
                // Made by an earlier attempt: adopt it, and finish its boot if that attempt did not.
                EnsureRunning(existing);
                Log.Adopted(_logger, spec.ComputerName, zone.Id, names.Domain);
                return Info(spec.Ref, existing);
            }
        }

        using var pool = Pool(connection, zone);
        using var image = BaseVolume(pool, zone, spec);
        RemoveVolumes(pool, names);

        var made = new List<LibvirtStorageVolume>();
        LibvirtDomain? domain = null;
        try
        {
            made.Add(pool.CloneVolume(
                DomainXml.Volume(names.SystemVolume, spec.SystemDisk.SizeGb, zone.Options), image));
            for (var i = 0; i < spec.DataDisks.Count; i++)
            {
                token.ThrowIfCancellationRequested();
                made.Add(pool.CreateVolume(
                    DomainXml.Volume(names.DataVolume(i + 1), spec.DataDisks[i].SizeGb, zone.Options)));
            }

            token.ThrowIfCancellationRequested();
            domain = DefineDomain(connection, zone, spec, names);
            domain.Start();
            Log.Created(_logger, spec.ComputerName, zone.Id, names.Domain, made.Count);
            return Info(spec.Ref, domain);
        }
        catch (Exception ex)
        {
            CleanUpFailedCreate(spec, zone, domain, made, ex);
            throw;
        }
        finally
        {
            domain?.Dispose();
            made.ForEach(v => v.Dispose());
        }
    }

    /// <summary>Defines the desktop's domain, with a display port of the zone's range when it has one.</summary>
    private static LibvirtDomain DefineDomain(
        LibvirtConnection connection, LibvirtZone zone, MachineSpec spec, MachineNames names)
    {
        if (zone.DisplayPorts is not { } range)
        {
            return connection.DefineDomain(
                names.Domain, DomainXml.Domain(spec, names, zone.Options, zone.DomainType, displayPort: null));
        }

        // Choosing and defining under one lock: the port this create chooses is in the hypervisor's
        // domains before the next create of this node looks at them.
        lock (zone.DisplayPortLock)
        {
            var taken = DisplayPortsInUse(connection);
            var port = range.Choose(spec.DesktopId, taken) ?? throw new ComputeDriverException(
                ComputeDriverException.InsufficientCapacity,
                $"Zone {zone.Id} has no free display port: all {range.Count} ports of its range {range} " +
                $"({LibvirtDriverOptions.Section}:Zones:{zone.Id}:DisplayPorts) are taken.");
            return connection.DefineDomain(
                names.Domain, DomainXml.Domain(spec, names, zone.Options, zone.DomainType, port));
        }
    }

    /// <summary>
    /// The display ports of every domain of the hypervisor: the fixed ones of their definitions and the
    /// ones the hypervisor picked for running domains, Deskpool's or not.
    /// </summary>
    private static HashSet<int> DisplayPortsInUse(LibvirtConnection connection)
    {
        var domains = connection.Domains();
        try
        {
            var ports = new HashSet<int>();
            foreach (var domain in domains)
            {
                try
                {
                    ports.UnionWith(DomainXml.DisplayPorts(domain.Xml()));
                    ports.UnionWith(DomainXml.DisplayPorts(domain.Xml(LibvirtDomain.InactiveXml)));
                }
                catch (LibvirtException ex) when (ex.Error.Code == ErrorNumber.NoDomain)
                {
                    // Removed meanwhile: its ports are free.
                }
            }

            return ports;
        }
        finally
        {
            domains.ForEach(d => d.Dispose());
        }
    }

    /// <summary>
    /// Removes what a failed create made; what cannot be removed now, the next create or delete removes.
    /// </summary>
    private void CleanUpFailedCreate(
        MachineSpec spec, LibvirtZone zone, LibvirtDomain? domain, List<LibvirtStorageVolume> made, Exception cause)
    {
        var steps = new List<Action>();
        if (domain is not null)
        {
            steps.Add(() => RemoveDomain(domain));
        }

        steps.AddRange(made.Select(volume => (Action)volume.Delete));
        foreach (var step in steps)
        {
            try
            {
                step();
            }
            catch (LibvirtException ex)
            {
                Log.CleanUpFailed(_logger, ex, spec.ComputerName, zone.Id, cause.Message);
            }
        }
    }

    private static void EnsureRunning(LibvirtDomain domain)
    {
        switch (domain.State().State)
        {
            case DomainState.Running or DomainState.Blocked:
                return;
            case DomainState.Paused:
                domain.Resume();
                return;
            default:
                // Boots it, or resumes it from its managed save image (a hibernated desktop).
                domain.Start();
                return;
        }
    }

    /// <summary>Powers the domain off if needed and removes its definition with any saved state.</summary>
    private static void RemoveDomain(LibvirtDomain domain)
    {
        try
        {
            if (IsActive(domain.State().State))
            {
                domain.Destroy();
            }

            domain.Undefine();
        }
        catch (LibvirtException ex) when (ex.Error.Code == ErrorNumber.NoDomain)
        {
            // Removed by someone else meanwhile: that is the outcome wanted.
        }
    }

    /// <summary>Deletes every volume of the machine in the pool; returns how many.</summary>
    private static int RemoveVolumes(LibvirtStoragePool pool, MachineNames names)
    {
        var volumes = pool.Volumes();
        var removed = 0;
        try
        {
            foreach (var volume in volumes.Where(v => names.OwnsVolume(v.Name)))
            {
                try
                {
                    volume.Delete();
                    removed++;
                }
                catch (LibvirtException ex) when (ex.Error.Code == ErrorNumber.NoStorageVolume)
                {
                    // Already gone.
                }
            }
        }
        finally
        {
            volumes.ForEach(v => v.Dispose());
        }

        return removed;
    }

    private static bool IsActive(DomainState state) => state is not (DomainState.ShutOff or DomainState.Crashed
        or DomainState.NoState);

    private static MachineInfo Info(MachineRef machine, LibvirtDomain domain) =>
        new(machine.DesktopId, machine.AvailabilityZone, PowerState(domain));

    private static MachinePowerState PowerState(LibvirtDomain domain) => domain.State().State switch
    {
        DomainState.Suspended => MachinePowerState.Hibernated,
        var state when IsActive(state) => MachinePowerState.Running,
        _ => domain.HasManagedSaveImage() ? MachinePowerState.Hibernated : MachinePowerState.Stopped,
    };

    internal static string ConsoleHost(LibvirtZoneOptions zone, string? listen) =>
        !string.IsNullOrWhiteSpace(zone.ConsoleHost) ? zone.ConsoleHost
        : !ListensEverywhere(listen) ? listen!
        : UriHost(zone.Uri);

    private static MachineNames Names(LibvirtZone zone, MachineRef machine) =>
        MachineNames.For(machine.ComputerName, machine.DesktopId, zone.Options.VolumeFormat);

    private static LibvirtDomain Require(LibvirtConnection connection, LibvirtZone zone, MachineRef machine) =>
        connection.FindDomain(Names(zone, machine).Domain) ?? throw NoSuchMachine(machine);

    private static ComputeDriverException NoSuchMachine(MachineRef machine) =>
        new(ComputeDriverException.NoSuchMachine,
            $"The hypervisor of zone {machine.AvailabilityZone} has no machine for desktop {machine.ComputerName}.");

    private static LibvirtStoragePool Pool(LibvirtConnection connection, LibvirtZone zone) =>
        connection.FindStoragePool(zone.Options.StoragePool) ?? throw new ComputeDriverException(
            ComputeDriverException.OperationFailed,
            $"The storage pool '{zone.Options.StoragePool}' of zone {zone.Id} does not exist on its hypervisor.");

    /// <summary>The image's base volume, checked to fit the system disk.</summary>
    private static LibvirtStorageVolume BaseVolume(LibvirtStoragePool pool, LibvirtZone zone, MachineSpec spec)
    {
        if (!zone.Options.Images.TryGetValue(spec.ImageId, out var name))
        {
            throw new ComputeDriverException(ComputeDriverException.ImageUnavailable,
                $"Image {spec.ImageId} has no base volume in zone {zone.Id} " +
                $"({LibvirtDriverOptions.Section}:Zones:{zone.Id}:Images does not list it).");
        }

        var volume = pool.FindVolume(name) ?? throw new ComputeDriverException(
            ComputeDriverException.ImageUnavailable,
            $"The base volume '{name}' of image {spec.ImageId} is not in storage pool '{pool.Name}' " +
            $"of zone {zone.Id}.");
        try
        {
            var sizeGb = volume.Size().CapacityBytes / (1024.0 * 1024 * 1024);
            return sizeGb <= spec.SystemDisk.SizeGb ? volume : throw new ComputeDriverException(
                ComputeDriverException.ImageUnavailable,
                $"The base volume '{name}' of image {spec.ImageId} ({sizeGb:0.#} GiB) is larger than the " +
                $"{spec.SystemDisk.SizeGb} GB system disk of desktop {spec.ComputerName}.");
        }
        catch
        {
            volume.Dispose();
            throw;
        }
    }

    private LibvirtZone Zone(string zoneId) =>
        _zones.TryGetValue(zoneId, out var zone) ? zone : throw new ComputeDriverException(
            ComputeDriverException.HostUnreachable,
            $"Zone {zoneId} has no libvirt hypervisor ({LibvirtDriverOptions.Section}:Zones:{zoneId}:Uri is not set).");

    /// <summary>
    /// Runs the work on the zone's hypervisor and turns libvirt's failures into the contract's codes. A
    /// failure of the connection itself is left to the zone, which reconnects and reports the host unreachable.
    /// </summary>
    private async Task<T> OnHostAsync<T>(
        string zoneId, string doing, Func<LibvirtConnection, LibvirtZone, T> work, CancellationToken cancellationToken)
    {
        var zone = Zone(zoneId);
        return await zone.RunAsync(connection =>
        {
            try
            {
                return work(connection, zone);
            }
            catch (LibvirtException ex) when (!ex.Error.IsConnectionFailure && connection.IsAlive)
            {
                throw ex.Error.IsOutOfSpace
                    ? new ComputeDriverException(ComputeDriverException.InsufficientCapacity,
                        $"Could not {doing}: storage pool '{zone.Options.StoragePool}' of zone {zone.Id} is full " +
                        $"({ex.Error.Message}).")
                    : new ComputeDriverException(ComputeDriverException.OperationFailed,
                        $"Could not {doing} in zone {zone.Id}: {ex.Error.Message}");
            }
        }, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6110, Level = LogLevel.Information,
            Message = "Created desktop {ComputerName} in zone {Zone} as domain {Domain} with {Volumes} volume(s)")]
        public static partial void Created(
            ILogger logger, string computerName, string zone, string domain, int volumes);

        [LoggerMessage(EventId = 6111, Level = LogLevel.Information,
            Message = "Desktop {ComputerName} in zone {Zone} already had domain {Domain}; adopted it")]
        public static partial void Adopted(ILogger logger, string computerName, string zone, string domain);

        [LoggerMessage(EventId = 6112, Level = LogLevel.Information,
            Message = "Deleted desktop {ComputerName} in zone {Zone} ({Volumes} volume(s) removed)")]
        public static partial void Deleted(ILogger logger, string computerName, string zone, int volumes);

        [LoggerMessage(EventId = 6113, Level = LogLevel.Information,
            Message = "Reset desktop {ComputerName} in zone {Zone}: system volume {Volume} built again")]
        public static partial void Reset(ILogger logger, string computerName, string zone, string volume);

        [LoggerMessage(EventId = 6114, Level = LogLevel.Warning,
            Message = "Desktop {ComputerName} in zone {Zone} did not shut down within {Timeout}; powering it off")]
        public static partial void ShutdownTimedOut(ILogger logger, string computerName, string zone, TimeSpan timeout);

        [LoggerMessage(EventId = 6115, Level = LogLevel.Warning,
            Message = "Could not remove what a failed create of {ComputerName} in zone {Zone} made ({Cause}); " +
                "the next create or delete of the desktop removes it")]
        public static partial void CleanUpFailed(
            ILogger logger, Exception exception, string computerName, string zone, string cause);
    }
}
