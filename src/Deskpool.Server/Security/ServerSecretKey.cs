using Deskpool.Core.Tenancy.AccessKeys;

namespace Deskpool.Server.Security;

/// <summary>
/// Finds the server key that seals access-key secrets: from configuration, else from
/// <c>secret.key</c> in the data folder, made on first use and readable by the service account only.
/// It is kept apart from the database so that a copy of the database alone opens no secret.
/// </summary>
internal static class ServerSecretKey
{
    public const string FileName = "secret.key";

    public static SecretBox Load(SecurityOptions security, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(security.SecretKey))
        {
            return new SecretBox(Decode(security.SecretKey, "Deskpool:Security:SecretKey"));
        }

        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path) && TryCreate(path) is { } created)
        {
            return new SecretBox(created);
        }

        return new SecretBox(Decode(File.ReadAllText(path).Trim(), path));
    }

    /// <summary>Writes a new key, owner-only; null when another process made the file first.</summary>
    private static byte[]? TryCreate(string path)
    {
        var key = SecretBox.NewKey();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            if (key.Length == SecretBox.KeyBytes)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException(
            $"{source} must hold {SecretBox.KeyBytes} bytes in base64 (e.g. the output of 'openssl rand -base64 32').");
    }
}
