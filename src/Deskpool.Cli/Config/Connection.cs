namespace Deskpool.Cli.Config;

/// <summary>Where and as whom to call the API, after flags, environment and profile are combined.</summary>
internal sealed record Connection(Uri Endpoint, string? Project, string? Token, string ProfileName)
{
    public const string DefaultEndpoint = "http://127.0.0.1:5080";
    public const string DefaultProfile = "default";

    /// <summary>Flags win over environment variables, which win over the profile.</summary>
    public static Connection Resolve(
        string? endpointFlag, string? projectFlag, string? tokenFlag, string? profileFlag, CliHost host)
    {
        var profileName = profileFlag ?? Env(host, "DESKPOOL_PROFILE") ?? DefaultProfile;
        var document = ConfigFile.Locate(host.Environment).Read();
        if (!document.Profiles.TryGetValue(profileName, out var profile))
        {
            if (profileFlag is not null)
            {
                throw new CliException(
                    $"No profile named '{profileName}'; create it with: deskpool configure --profile {profileName} ...",
                    ExitCodes.Usage);
            }

            profile = new Profile(null, null, null);
        }

        var endpoint = endpointFlag ?? Env(host, "DESKPOOL_ENDPOINT") ?? profile.Endpoint ?? DefaultEndpoint;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new CliException($"The endpoint '{endpoint}' is not an http:// or https:// address.", ExitCodes.Usage);
        }

        return new Connection(
            uri,
            projectFlag ?? Env(host, "DESKPOOL_PROJECT") ?? profile.Project,
            tokenFlag ?? Env(host, "DESKPOOL_TOKEN") ?? profile.Token,
            profileName);
    }

    public string RequireProject() => Project ?? throw new CliException(
        "No project id: pass --project, set DESKPOOL_PROJECT, or run 'deskpool configure --project ID'.",
        ExitCodes.Usage);

    private static string? Env(CliHost host, string name) => host.Environment(name) is { Length: > 0 } v ? v : null;
}
