namespace Deskpool.Drivers.Libvirt.Interop;

/// <summary><c>virDomainState</c>.</summary>
internal enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    ShuttingDown = 4,
    ShutOff = 5,
    Crashed = 6,
    Suspended = 7,
}

/// <summary>A domain (virtual machine) of a connection.</summary>
internal sealed class LibvirtDomain : IDisposable
{
    /// <summary><c>VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA</c>.</summary>
    private const uint UndefineWithSavedStateAndSnapshots = 1 | 2;

    /// <summary><c>VIR_DOMAIN_XML_INACTIVE</c>: the persistent definition rather than the live one.</summary>
    public const uint InactiveXml = 2;

    private readonly DomainHandle _handle;

    internal LibvirtDomain(string name, DomainHandle handle)
    {
        Name = name;
        _handle = handle;
    }

    public string Name { get; }

    public (DomainState State, int Reason) State()
    {
        LibvirtConnection.Checked(
            Native.virDomainGetState(_handle, out var state, out var reason, 0), "virDomainGetState");
        return ((DomainState)state, reason);
    }

    /// <summary>Boots the domain, or resumes it from its managed save image when it has one.</summary>
    public void Start() => LibvirtConnection.Checked(Native.virDomainCreate(_handle), "virDomainCreate");

    /// <summary>Asks the guest to shut down (ACPI); returns before the guest has stopped.</summary>
    public void Shutdown() => LibvirtConnection.Checked(Native.virDomainShutdown(_handle), "virDomainShutdown");

    /// <summary>Powers the domain off at once.</summary>
    public void Destroy() => LibvirtConnection.Checked(Native.virDomainDestroy(_handle), "virDomainDestroy");

    /// <summary>Asks the guest to reboot.</summary>
    public void Reboot() => LibvirtConnection.Checked(Native.virDomainReboot(_handle, 0), "virDomainReboot");

    /// <summary>Resets the virtual hardware, like the reset button.</summary>
    public void Reset() => LibvirtConnection.Checked(Native.virDomainReset(_handle, 0), "virDomainReset");

    public void Resume() => LibvirtConnection.Checked(Native.virDomainResume(_handle), "virDomainResume");

    /// <summary>Saves the memory to the host and stops the domain; the next start resumes from there.</summary>
    public void ManagedSave() =>
        LibvirtConnection.Checked(Native.virDomainManagedSave(_handle, 0), "virDomainManagedSave");

    public bool HasManagedSaveImage() =>
        LibvirtConnection.Checked(Native.virDomainHasManagedSaveImage(_handle, 0), "virDomainHasManagedSaveImage") == 1;

    public void RemoveManagedSaveImage() =>
        LibvirtConnection.Checked(Native.virDomainManagedSaveRemove(_handle, 0), "virDomainManagedSaveRemove");

    /// <summary>Removes the definition, with its managed save image and snapshot metadata.</summary>
    public void Undefine() =>
        LibvirtConnection.Checked(Native.virDomainUndefineFlags(_handle, UndefineWithSavedStateAndSnapshots),
            "virDomainUndefineFlags");

    /// <summary>The domain's XML: the live one while it runs, unless <paramref name="flags"/> say otherwise.</summary>
    public string Xml(uint flags = 0) =>
        Strings.Take(Native.virDomainGetXMLDesc(_handle, flags)) ?? throw LibvirtException.Last("virDomainGetXMLDesc");

    /// <summary>Virtual CPUs and memory as the hypervisor reports them.</summary>
    public (int VirtualCpus, ulong MaxMemoryKib) Resources()
    {
        LibvirtConnection.Checked(Native.virDomainGetInfo(_handle, out var info), "virDomainGetInfo");
        return (info.VirtualCpus, info.MaxMemoryKib.Value);
    }

    public void Dispose() => _handle.Dispose();
}
