using Microsoft.Win32.SafeHandles;

namespace Deskpool.Drivers.Libvirt.Interop;

// One SafeHandle per kind of libvirt object. libvirt counts references itself: a domain, pool or
// volume object keeps its connection alive, so handles may be released in any order. A handle that a
// P/Invoke is using is never released under it (the marshaller adds a reference for the call).

/// <summary>A <c>virConnectPtr</c>, closed with <c>virConnectClose</c>.</summary>
internal sealed class ConnectionHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => Native.virConnectClose(handle) >= 0;
}

/// <summary>A <c>virDomainPtr</c>, released with <c>virDomainFree</c>.</summary>
internal sealed class DomainHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public DomainHandle(nint existing)
        : this() => SetHandle(existing);

    protected override bool ReleaseHandle() => Native.virDomainFree(handle) == 0;
}

/// <summary>A <c>virStoragePoolPtr</c>, released with <c>virStoragePoolFree</c>.</summary>
internal sealed class StoragePoolHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => Native.virStoragePoolFree(handle) == 0;
}

/// <summary>A <c>virStorageVolPtr</c>, released with <c>virStorageVolFree</c>.</summary>
internal sealed class StorageVolumeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public StorageVolumeHandle(nint existing)
        : this() => SetHandle(existing);

    protected override bool ReleaseHandle() => Native.virStorageVolFree(handle) == 0;
}
