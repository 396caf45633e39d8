using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Deskpool.Drivers.Libvirt;

/// <summary>
/// A zone's range of fixed display ports (<c>5900-5999</c>), and the port a desktop gets in it: the
/// port its desktop id hashes to, or the next free one after it (wrapping round), so a desktop keeps
/// the same port as long as the ports around it do not change, and no two domains of the zone share one.
/// </summary>
internal readonly record struct DisplayPortRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public override string ToString() => $"{First}-{Last}";

    /// <summary>Reads <c>first-last</c>, both TCP ports, first not above last.</summary>
    public static bool TryParse(string? text, out DisplayPortRange range)
    {
        range = default;
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || first < 1 || last > 65535 || first > last)
        {
            return false;
        }

        range = new DisplayPortRange(first, last);
        return true;
    }

    /// <summary>The desktop's port, not one of <paramref name="taken"/>; null when every port is taken.</summary>
    public int? Choose(string desktopId, IReadOnlySet<int> taken)
    {
        // A stable hash (string.GetHashCode differs between processes), so every node and restart agrees.
        var hash = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(desktopId)));
        var start = (int)(hash % (uint)Count);
        for (var i = 0; i < Count; i++)
        {
            var port = First + ((start + i) % Count);
            if (!taken.Contains(port))
            {
                return port;
            }
        }

        return null;
    }
}
