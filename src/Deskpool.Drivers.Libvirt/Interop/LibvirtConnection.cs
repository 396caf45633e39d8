using System.Runtime.InteropServices;

namespace Deskpool.Drivers.Libvirt.Interop;

/// <summary>
/// An open connection to one libvirt hypervisor (<c>qemu:///system</c>, <c>qemu+ssh://host/system</c>,
/// <c>test:///default</c>). libvirt connections may be shared between threads; every call blocks until
/// the hypervisor answers, so callers run them off request threads.
/// </summary>
internal sealed class LibvirtConnection : IDisposable
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        if (Native.virInitialize() < 0)
        {
            throw LibvirtException.Last("virInitialize");
        }

        Native.SilenceErrorPrinting();
        return true;
    });

    private readonly ConnectionHandle _handle;

    private LibvirtConnection(string uri, ConnectionHandle handle)
    {
        Uri = uri;
        _handle = handle;
    }

    public string Uri { get; }

    /// <summary>False once libvirt knows the connection is broken (the remote end went away).</summary>
    public bool IsAlive => !_handle.IsClosed && Native.virConnectIsAlive(_handle) == 1;

    /// <summary>Opens a connection.</summary>
    /// <exception cref="LibvirtException">libvirt could not open it; the error says why.</exception>
    /// <exception cref="DllNotFoundException">libvirt.so.0 is not installed.</exception>
    public static LibvirtConnection Open(string uri)
    {
        _ = Initialized.Value;
        var handle = Native.virConnectOpen(uri);
        if (handle.IsInvalid)
        {
            var error = LibvirtException.Last("virConnectOpen");
            handle.Dispose();
            throw error;
        }

        return new LibvirtConnection(uri, handle);
    }

    /// <summary>The domain of that name, or null when the hypervisor has none.</summary>
    public LibvirtDomain? FindDomain(string name)
    {
        var handle = Native.virDomainLookupByName(_handle, name);
        return handle.IsInvalid
            ? Missing<LibvirtDomain>(handle, "virDomainLookupByName", ErrorNumber.NoDomain)
            : new LibvirtDomain(name, handle);
    }

    /// <summary>Defines (persistently, without starting) a domain from its XML.</summary>
    public LibvirtDomain DefineDomain(string name, string xml)
    {
        var handle = Native.virDomainDefineXML(_handle, xml);
        return new LibvirtDomain(name, Checked(handle, "virDomainDefineXML"));
    }

    /// <summary>Every domain of the hypervisor, running or not; the caller disposes them.</summary>
    public List<LibvirtDomain> Domains()
    {
        var count = Checked(Native.virConnectListAllDomains(_handle, out var array, 0), "virConnectListAllDomains");
        // Every element is a domain reference that is now ours: take them all into handles first, so
        // that none is lost if reading one of them fails.
        var handles = new List<DomainHandle>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                handles.Add(new DomainHandle(Marshal.ReadIntPtr(array, i * nint.Size)));
            }
        }
        finally
        {
            Strings.Free(array);
        }

        var domains = new List<LibvirtDomain>(count);
        try
        {
            foreach (var handle in handles)
            {
                var name = Marshal.PtrToStringUTF8(Native.virDomainGetName(handle))
                    ?? throw LibvirtException.Last("virDomainGetName");
                domains.Add(new LibvirtDomain(name, handle));
            }
        }
        catch
        {
            handles.ForEach(h => h.Dispose());
            throw;
        }

        return domains;
    }

    /// <summary>The storage pool of that name, or null when the hypervisor has none.</summary>
    public LibvirtStoragePool? FindStoragePool(string name)
    {
        var handle = Native.virStoragePoolLookupByName(_handle, name);
        return handle.IsInvalid
            ? Missing<LibvirtStoragePool>(handle, "virStoragePoolLookupByName", ErrorNumber.NoStoragePool)
            : new LibvirtStoragePool(name, handle);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Throws the last error for a failed call that returned a handle; otherwise returns it.</summary>
    internal static T Checked<T>(T handle, string call)
        where T : SafeHandle
    {
        if (!handle.IsInvalid)
        {
            return handle;
        }

        var error = LibvirtException.Last(call);
        handle.Dispose();
        throw error;
    }

    /// <summary>Throws the last error for a failed call that returned a status.</summary>
    internal static int Checked(int status, string call) => status < 0 ? throw LibvirtException.Last(call) : status;

    /// <summary>Null for a look-up that found nothing; any other failure is thrown.</summary>
    internal static T? Missing<T>(SafeHandle handle, string call, ErrorNumber notFound)
        where T : class
    {
        var error = LibvirtException.Last(call);
        handle.Dispose();
        return error.Error.Code == notFound ? null : throw error;
    }
}
