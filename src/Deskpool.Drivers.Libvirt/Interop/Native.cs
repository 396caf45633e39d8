using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Deskpool.Drivers.Libvirt.Interop;

/// <summary>
/// The entry points of libvirt's C library (<c>libvirt.so.0</c>, Debian package <c>libvirt0</c>) that the
/// driver uses, as source-generated P/Invokes. Handles go in and out as <see cref="SafeHandle"/>s so that
/// every object libvirt hands out is freed exactly once, even when a call in between throws. Strings that
/// libvirt allocates for the caller come back as pointers and are copied and freed by <see cref="Strings"/>.
/// </summary>
internal static unsafe partial class Native
{
    public const string Library = "libvirt.so.0";

    // Library set-up and errors. libvirt keeps the last error per thread, so it must be read on the
    // thread that made the failing call, before the next call.
    [LibraryImport(Library)]
    public static partial int virInitialize();

    [LibraryImport(Library)]
    public static partial void virSetErrorFunc(nint userData, delegate* unmanaged[Cdecl]<nint, nint, void> handler);

    [LibraryImport(Library)]
    public static partial nint virGetLastError();

    [LibraryImport(Library)]
    public static partial void virResetLastError();

    // Connections.
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial ConnectionHandle virConnectOpen(string name);

    [LibraryImport(Library)]
    public static partial int virConnectClose(nint connection);

    [LibraryImport(Library)]
    public static partial int virConnectIsAlive(ConnectionHandle connection);

    // Domains.
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainLookupByName(ConnectionHandle connection, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainDefineXML(ConnectionHandle connection, string xml);

    [LibraryImport(Library)]
    public static partial int virDomainFree(nint domain);

    [LibraryImport(Library)]
    public static partial int virConnectListAllDomains(ConnectionHandle connection, out nint domains, uint flags);

    /// <summary>The domain's name; the string belongs to the domain object and must not be freed.</summary>
    [LibraryImport(Library)]
    public static partial nint virDomainGetName(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainCreate(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainShutdown(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainDestroy(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainReboot(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainReset(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainResume(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainManagedSave(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainHasManagedSaveImage(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainManagedSaveRemove(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainUndefineFlags(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(Library)]
    public static partial nint virDomainGetXMLDesc(DomainHandle domain, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainGetInfo(DomainHandle domain, out DomainInfo info);

    // Storage pools.
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial StoragePoolHandle virStoragePoolLookupByName(ConnectionHandle connection, string name);

    [LibraryImport(Library)]
    public static partial int virStoragePoolFree(nint pool);

    [LibraryImport(Library)]
    public static partial int virStoragePoolGetInfo(StoragePoolHandle pool, out StoragePoolInfo info);

    [LibraryImport(Library)]
    public static partial int virStoragePoolListAllVolumes(StoragePoolHandle pool, out nint volumes, uint flags);

    // Storage volumes.
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial StorageVolumeHandle virStorageVolLookupByName(StoragePoolHandle pool, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial StorageVolumeHandle virStorageVolCreateXML(StoragePoolHandle pool, string xml, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial StorageVolumeHandle virStorageVolCreateXMLFrom(
        StoragePoolHandle pool, string xml, StorageVolumeHandle source, uint flags);

    [LibraryImport(Library)]
    public static partial int virStorageVolDelete(StorageVolumeHandle volume, uint flags);

    [LibraryImport(Library)]
    public static partial int virStorageVolGetInfo(StorageVolumeHandle volume, out StorageVolumeInfo info);

    /// <summary>The volume's name; the string belongs to the volume object and must not be freed.</summary>
    [LibraryImport(Library)]
    public static partial nint virStorageVolGetName(StorageVolumeHandle volume);

    [LibraryImport(Library)]
    public static partial int virStorageVolFree(nint volume);

    /// <summary>Makes libvirt quiet: without a handler it prints every error to standard error.</summary>
    public static void SilenceErrorPrinting() => virSetErrorFunc(0, &IgnoreError);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void IgnoreError(nint userData, nint error)
    {
        // Errors are read where they happen (virGetLastError) and become exceptions there.
    }
}

/// <summary><c>virError</c>: the fields read here, in the C layout.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeError
{
    public int Code;
    public int Domain;
    public nint Message;
    public int Level;
}

/// <summary><c>virDomainInfo</c>; <c>unsigned long</c> is the platform's C long.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DomainInfo
{
    public byte State;
    public CULong MaxMemoryKib;
    public CULong MemoryKib;
    public ushort VirtualCpus;
    public ulong CpuTimeNs;
}

/// <summary><c>virStoragePoolInfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StoragePoolInfo
{
    public int State;
    public ulong CapacityBytes;
    public ulong AllocationBytes;
    public ulong AvailableBytes;
}

/// <summary><c>virStorageVolInfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StorageVolumeInfo
{
    public int Type;
    public ulong CapacityBytes;
    public ulong AllocationBytes;
}

/// <summary>Copies strings that libvirt allocated for the caller, and frees them.</summary>
internal static unsafe class Strings
{
    /// <summary>Copies and frees a string libvirt returned for the caller to free; null if the call failed.</summary>
    public static string? Take(nint pointer)
    {
        if (pointer == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(pointer);
        }
        finally
        {
            // libvirt documents these strings as the caller's to release with free().
            NativeMemory.Free((void*)pointer);
        }
    }

    public static void Free(nint pointer) => NativeMemory.Free((void*)pointer);
}
