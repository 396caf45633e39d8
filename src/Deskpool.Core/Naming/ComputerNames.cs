using System.Globalization;
using System.Text;

namespace Deskpool.Core.Naming;

/// <summary>Builds computer names. Windows computer names may hold at most 15 characters.</summary>
public static class ComputerNames
{
    public const int MaxLength = 15;

    /// <summary>
    /// The prefix used when a pool names no policy: the pool name's letters, digits and hyphens,
    /// at most ten of them, so four counter digits still fit in fifteen characters.
    /// </summary>
    public static string DefaultPrefix(string poolName)
    {
        var builder = new StringBuilder();
        foreach (var ch in poolName)
        {
            if (char.IsAsciiLetterOrDigit(ch) || (ch == '-' && builder.Length > 0))
            {
                builder.Append(ch);
            }

            if (builder.Length == 10)
            {
                break;
            }
        }

        return builder.Length == 0 ? "desktop" : builder.ToString().TrimEnd('-');
    }

    /// <summary>
    /// Formats one name, or returns null when the number does not fit the digits or the name
    /// would exceed fifteen characters (a truncating policy shortens the prefix instead).
    /// </summary>
    public static string? Format(string prefix, long number, int digits, bool truncatePrefix)
    {
        var counter = number.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        if (counter.Length > digits)
        {
            return null;
        }

        if (prefix.Length + counter.Length > MaxLength)
        {
            if (!truncatePrefix)
            {
                return null;
            }

            prefix = prefix[..(MaxLength - counter.Length)];
        }

        return prefix + counter;
    }
}
