using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deskpool.Cli.Config;

internal sealed record Profile(string? Endpoint, string? Project, string? Token);

internal sealed record ConfigDocument(Dictionary<string, Profile> Profiles);

/// <summary>
/// The profiles file: <c>$DESKPOOL_CONFIG</c>, else <c>~/.config/deskpool/config.json</c>. It holds
/// tokens, so it is written readable by its owner only.
/// </summary>
internal sealed class ConfigFile(string path)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string Path { get; } = path;

    public static ConfigFile Locate(Func<string, string?> environment)
    {
        if (environment("DESKPOOL_CONFIG") is { Length: > 0 } explicitPath)
        {
            return new ConfigFile(explicitPath);
        }

        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(
                environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new ConfigFile(System.IO.Path.Combine(configHome, "deskpool", "config.json"));
    }

    public ConfigDocument Read()
    {
        if (!File.Exists(Path))
        {
            return new ConfigDocument([]);
        }

        try
        {
            var document = JsonSerializer.Deserialize<ConfigDocument>(File.ReadAllText(Path), Json);
            return new ConfigDocument(document?.Profiles ?? []);
        }
        catch (JsonException e)
        {
            throw new CliException($"The config file {Path} is not valid JSON: {e.Message}", ExitCodes.Usage);
        }
    }

    public void Write(ConfigDocument document)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path, JsonSerializer.Serialize(document, Json) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
