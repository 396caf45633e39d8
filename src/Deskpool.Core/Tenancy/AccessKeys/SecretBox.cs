using System.Security.Cryptography;
using System.Text;

namespace Deskpool.Core.Tenancy.AccessKeys;

/// <summary>
/// Seals access-key secrets with AES-256-GCM under a server key that lives outside the database
/// (configuration, or a file in the data folder), so a copy of the database alone reveals no secret.
/// The associated data binds each sealed secret to its key id: moved to another row, it no longer opens.
/// </summary>
public sealed class SecretBox
{
    public const int KeyBytes = 32;

    private const string Version = "v1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key;

    public SecretBox(byte[] key)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The secret key must be {KeyBytes} bytes (got {key.Length}).", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>A fresh random server key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    public string Seal(string secret, string boundTo)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(_key, TagBytes))
        {
            aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(boundTo));
        }

        return $"{Version}:{Convert.ToBase64String([.. nonce, .. cipher, .. tag])}";
    }

    /// <summary>Opens a sealed secret; null when it was sealed under another key or for another id, or was altered.</summary>
    public string? Open(string sealedSecret, string boundTo)
    {
        if (!sealedSecret.StartsWith(Version + ":", StringComparison.Ordinal))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(sealedSecret[(Version.Length + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length < NonceBytes + TagBytes)
        {
            return null;
        }

        var nonce = bytes.AsSpan(0, NonceBytes);
        var cipher = bytes.AsSpan(NonceBytes, bytes.Length - NonceBytes - TagBytes);
        var tag = bytes.AsSpan(bytes.Length - TagBytes);
        var plain = new byte[cipher.Length];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(nonce, cipher, tag, plain, Encoding.UTF8.GetBytes(boundTo));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }
}
