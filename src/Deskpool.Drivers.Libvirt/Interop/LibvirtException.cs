using System.Runtime.InteropServices;

namespace Deskpool.Drivers.Libvirt.Interop;

/// <summary>
/// The numbers of <c>virErrorNumber</c> that the driver tells apart (libvirt only ever appends to the list).
/// </summary>
internal enum ErrorNumber
{
    None = 0,
    InternalError = 1,
    NoSupport = 3,
    UnknownHost = 4,
    NoConnect = 5,
    InvalidConnection = 6,
    OperationFailed = 9,
    XmlError = 27,
    DomainExists = 28,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    NoNetwork = 43,
    AuthFailed = 45,
    NoStoragePool = 49,
    NoStorageVolume = 50,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    OperationTimeout = 68,
    ArgumentUnsupported = 74,
    OperationUnsupported = 84,
    Ssh = 85,
    StorageVolumeExists = 90,
    LibSsh = 98,
}

/// <summary>One libvirt error as libvirt reported it: its number, the part of libvirt it came from, its text.</summary>
internal sealed record LibvirtError(ErrorNumber Code, int Domain, string Message)
{
    /// <summary>Errors that mean the hypervisor could not be reached or the connection to it broke.</summary>
    public bool IsConnectionFailure => Code is ErrorNumber.NoConnect or ErrorNumber.InvalidConnection
        or ErrorNumber.Rpc or ErrorNumber.UnknownHost or ErrorNumber.AuthFailed or ErrorNumber.Ssh
        or ErrorNumber.LibSsh;

    /// <summary>Errors that mean the hypervisor or the call's flags do not support the operation.</summary>
    public bool IsUnsupported => Code is ErrorNumber.NoSupport or ErrorNumber.OperationUnsupported
        or ErrorNumber.ArgumentUnsupported or ErrorNumber.ConfigUnsupported;

    /// <summary>
    /// Whether a failed volume creation means the pool is full. libvirt has no error number for it:
    /// its storage back ends and the test hypervisor say so in words, which are matched here.
    /// </summary>
    public bool IsOutOfSpace =>
        Message.Contains("not enough free space", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("insufficient free space", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("no space left on device", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A libvirt call failed; carries libvirt's own error.</summary>
internal sealed class LibvirtException(string call, LibvirtError error) : Exception($"{call}: {error.Message}")
{
    public string Call { get; } = call;

    public LibvirtError Error { get; } = error;

    /// <summary>
    /// Reads (and clears) the calling thread's last libvirt error. libvirt keeps it per thread, so this
    /// must run right after the failing call on the same thread, which the wrappers here always do;
    /// the fields are copied at once, so the error is not saved (<c>virSaveLastError</c>) first.
    /// </summary>
    public static LibvirtException Last(string call)
    {
        var pointer = Native.virGetLastError();
        if (pointer == 0)
        {
            return new LibvirtException(call, new LibvirtError(ErrorNumber.None, 0, "libvirt reported no details."));
        }

        var native = Marshal.PtrToStructure<NativeError>(pointer);
        var message = Marshal.PtrToStringUTF8(native.Message) ?? "libvirt gave no message.";
        Native.virResetLastError();
        return new LibvirtException(call, new LibvirtError((ErrorNumber)native.Code, native.Domain, message));
    }
}
