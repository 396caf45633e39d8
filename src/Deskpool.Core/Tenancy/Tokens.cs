using System.Security.Cryptography;
using System.Text;

namespace Deskpool.Core.Tenancy;

/// <summary>Makes and digests bearer tokens. Tokens carry 256 random bits, so one SHA-256 pass is enough.</summary>
public static class Tokens
{
    public static string NewToken() => "dkp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Digest(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// Whether <paramref name="token"/> is the one <paramref name="storedDigest"/> was made from, compared
    /// in time that does not depend on where the digests first differ.
    /// </summary>
    public static bool Matches(string? storedDigest, string token) => storedDigest is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedDigest), Encoding.ASCII.GetBytes(Digest(token)));
}
