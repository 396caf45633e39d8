using System.Runtime.InteropServices;

namespace Deskpool.Drivers.Libvirt.Interop;

/// <summary>A storage pool of a connection.</summary>
internal sealed class LibvirtStoragePool : IDisposable
{
    private readonly StoragePoolHandle _handle;

    internal LibvirtStoragePool(string name, StoragePoolHandle handle)
    {
        Name = name;
        _handle = handle;
    }

    public string Name { get; }

    /// <summary>The volume of that name in this pool, or null when the pool has none.</summary>
    public LibvirtStorageVolume? FindVolume(string name)
    {
        var handle = Native.virStorageVolLookupByName(_handle, name);
        return handle.IsInvalid
            ? LibvirtConnection.Missing<LibvirtStorageVolume>(
                handle, "virStorageVolLookupByName", ErrorNumber.NoStorageVolume)
            : new LibvirtStorageVolume(handle);
    }

    /// <summary>Creates an empty volume from its XML.</summary>
    public LibvirtStorageVolume CreateVolume(string xml) =>
        new(LibvirtConnection.Checked(Native.virStorageVolCreateXML(_handle, xml, 0), "virStorageVolCreateXML"));

    /// <summary>Creates a volume from its XML as a copy of <paramref name="source"/> (of any pool).</summary>
    public LibvirtStorageVolume CloneVolume(string xml, LibvirtStorageVolume source) =>
        new(LibvirtConnection.Checked(
            Native.virStorageVolCreateXMLFrom(_handle, xml, source.Handle, 0), "virStorageVolCreateXMLFrom"));

    /// <summary>Every volume of the pool; the caller disposes them.</summary>
    public List<LibvirtStorageVolume> Volumes()
    {
        var count = LibvirtConnection.Checked(
            Native.virStoragePoolListAllVolumes(_handle, out var array, 0), "virStoragePoolListAllVolumes");
        // Every element is a volume reference that is now ours: take them all into handles first, so
        // that none is lost if reading one of them fails.
        var handles = new List<StorageVolumeHandle>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                handles.Add(new StorageVolumeHandle(Marshal.ReadIntPtr(array, i * nint.Size)));
            }
        }
        finally
        {
            Strings.Free(array);
        }

        var volumes = new List<LibvirtStorageVolume>(count);
        try
        {
            volumes.AddRange(handles.Select(h => new LibvirtStorageVolume(h)));
        }
        catch
        {
            handles.ForEach(h => h.Dispose());
            throw;
        }

        return volumes;
    }

    public (ulong CapacityBytes, ulong AvailableBytes) Space()
    {
        LibvirtConnection.Checked(Native.virStoragePoolGetInfo(_handle, out var info), "virStoragePoolGetInfo");
        return (info.CapacityBytes, info.AvailableBytes);
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>A storage volume of a pool.</summary>
internal sealed class LibvirtStorageVolume : IDisposable
{
    internal LibvirtStorageVolume(StorageVolumeHandle handle)
    {
        Handle = handle;
        var name = Marshal.PtrToStringUTF8(Native.virStorageVolGetName(handle));
        if (name is null)
        {
            var error = LibvirtException.Last("virStorageVolGetName");
            handle.Dispose();
            throw error;
        }

        Name = name;
    }

    public string Name { get; }

    internal StorageVolumeHandle Handle { get; }

    public (ulong CapacityBytes, ulong AllocationBytes) Size()
    {
        LibvirtConnection.Checked(Native.virStorageVolGetInfo(Handle, out var info), "virStorageVolGetInfo");
        return (info.CapacityBytes, info.AllocationBytes);
    }

    /// <summary>Deletes the volume and its data.</summary>
    public void Delete() => LibvirtConnection.Checked(Native.virStorageVolDelete(Handle, 0), "virStorageVolDelete");

    public void Dispose() => Handle.Dispose();
}
