using Deskpool.Cli;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Cli;

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- out ---\n{Out}\n--- err ---\n{Err}";
}

/// <summary>
/// Runs the command-line client in this process with its own streams and environment, against an
/// in-memory server (a handler) or a real address, as project A.
/// </summary>
public sealed class CliRunner
{
    private readonly HttpMessageHandler? _handler;
    private readonly Dictionary<string, string?> _environment;

    public CliRunner(string endpoint, HttpMessageHandler? handler = null)
    {
        _handler = handler;
        ConfigPath = Path.Combine(TestServer.NewDataDirectory(), "config.json");
        _environment = new Dictionary<string, string?>
        {
            ["DESKPOOL_CONFIG"] = ConfigPath,
            ["DESKPOOL_ENDPOINT"] = endpoint,
            ["DESKPOOL_PROJECT"] = TestServer.ProjectA,
            ["DESKPOOL_TOKEN"] = TestServer.TokenA,
        };
    }

    public string ConfigPath { get; }

    public static CliRunner For(TestServer server) => new("http://localhost", server.CreateHandler());

    public CliRunner WithEnvironment(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(input: null, inputIsTerminal: false, args);

    public async Task<CliResult> RunAsync(string? input, bool inputIsTerminal, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(output, error, new StringReader(input ?? ""), OutputIsTerminal: false, inputIsTerminal,
            name => _environment.GetValueOrDefault(name), _handler);
        var code = await CliApp.RunAsync([.. args, "--poll-interval", "0.05"], host);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The repository folder, to reach samples/ from the test's output folder.</summary>
    public static string RepositoryPath(params string[] parts)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Deskpool.slnx")))
        {
            folder = folder.Parent;
        }

        Assert.NotNull(folder);
        return Path.Combine([folder!.FullName, .. parts]);
    }
}
