using System.Buffers.Binary;
using System.Net;

namespace Deskpool.Core.Networking;

/// <summary>
/// An IPv4 subnet and the addresses desktops may take from it. The network address, the gateway
/// (first host), the DHCP/DNS address (second host) and the broadcast address are reserved,
/// as on the public cloud this API comes from.
/// </summary>
public sealed class Ipv4Subnet
{
    private const int ReservedAtStart = 3;

    private readonly uint _network;
    private readonly uint _broadcast;

    private Ipv4Subnet(uint network, int prefixLength)
    {
        PrefixLength = prefixLength;
        var hostBits = 32 - prefixLength;
        var mask = hostBits == 32 ? 0u : uint.MaxValue << hostBits;
        _network = network & mask;
        _broadcast = _network | ~mask;
    }

    public int PrefixLength { get; }

    /// <summary>How many addresses desktops can take.</summary>
    public long UsableCount => Math.Max(0, (long)_broadcast - _network + 1 - ReservedAtStart - 1);

    public static bool TryParse(string? cidr, out Ipv4Subnet subnet)
    {
        subnet = null!;
        var parts = cidr?.Split('/');
        if (parts is not { Length: 2 }
            || !IPAddress.TryParse(parts[0], out var address)
            || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], out var prefix)
            || prefix is < 8 or > 29)
        {
            return false;
        }

        subnet = new Ipv4Subnet(ToUInt(address), prefix);
        return true;
    }

    public bool Contains(Ipv4Subnet inner) =>
        inner._network >= _network && inner._broadcast <= _broadcast;

    /// <summary>Usable addresses in ascending order, skipping those already taken.</summary>
    public IEnumerable<string> FreeAddresses(IReadOnlySet<string> taken)
    {
        for (var value = _network + ReservedAtStart; value < _broadcast; value++)
        {
            var text = ToText(value);
            if (!taken.Contains(text))
            {
                yield return text;
            }
        }
    }

    private static uint ToUInt(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static string ToText(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
