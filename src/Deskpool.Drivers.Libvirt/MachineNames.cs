using System.Text;

namespace Deskpool.Drivers.Libvirt;

/// <summary>
/// The names a desktop's domain and volumes have on the hypervisor, derived from its computer name
/// and desktop id alone: every operation finds the machine again without a lookup table, and an
/// operator reading <c>virsh list</c> sees which desktop a domain is. The desktop id makes the names
/// unique across projects, whose computer names may repeat.
/// </summary>
internal sealed class MachineNames
{
    private readonly string _extension;

    private MachineNames(string domain, string extension)
    {
        Domain = domain;
        _extension = extension;
    }

    /// <summary>The domain's name, e.g. <c>pool0001-0199c3e2-…</c>.</summary>
    public string Domain { get; }

    /// <summary>Every volume of the desktop starts with this, and no volume of another desktop does.</summary>
    public string VolumePrefix => Domain + "-";

    public string SystemVolume => $"{VolumePrefix}system.{_extension}";

    /// <summary>The name of the data volume at <paramref name="index"/> (1 for the first).</summary>
    public string DataVolume(int index) => $"{VolumePrefix}data{index}.{_extension}";

    public bool OwnsVolume(string volumeName) => volumeName.StartsWith(VolumePrefix, StringComparison.Ordinal);

    public static MachineNames For(string computerName, string desktopId, string volumeFormat) =>
        new($"{Safe(computerName)}-{Safe(desktopId)}", volumeFormat == "raw" ? "img" : volumeFormat);

    /// <summary>Keeps letters, digits, '-', '_' and '.', so a name is never a path or an XML problem.</summary>
    private static string Safe(string part)
    {
        var name = new StringBuilder(part.Length);
        foreach (var c in part)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return name.ToString();
    }
}
