using System.CommandLine;
using Deskpool.Cli.Api;
using Deskpool.Cli.Config;
using Deskpool.Cli.Output;

namespace Deskpool.Cli.Commands;

/// <summary>The options every command takes, whatever its place in the tree.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = "Server address (default http://127.0.0.1:5080; env DESKPOOL_ENDPOINT)",
        Recursive = true,
    };

    public Option<string?> Project { get; } = new("--project")
    {
        Description = "Project id (env DESKPOOL_PROJECT)",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "X-Auth-Token (env DESKPOOL_TOKEN)",
        Recursive = true,
    };

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Profile of the config file to use (env DESKPOOL_PROFILE; default 'default')",
        Recursive = true,
    };

    public Option<string> Output { get; } = OutputOption();

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for each answer of the server",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public Option<double> PollInterval { get; } = new("--poll-interval")
    {
        Description = "Seconds between two looks at a job with --wait",
        DefaultValueFactory = _ => 1,
        Recursive = true,
        Hidden = true,
    };

    public OutputFormat Format(ParseResult parse) =>
        Enum.Parse<OutputFormat>(parse.GetValue(Output) ?? "table", ignoreCase: true);

    private static Option<string> OutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format of read commands",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json", "yaml");
        return option;
    }

    public IEnumerable<Option> All => [Endpoint, Project, Token, Profile, Output, Timeout, PollInterval];
}

/// <summary>One command's run: the combined connection, the API client and the printer.</summary>
internal sealed class Session(CliHost host, Connection connection, ApiClient api, Printer printer, TimeSpan pollInterval)
    : IDisposable
{
    public CliHost Host { get; } = host;

    public Connection Connection { get; } = connection;

    public ApiClient Api { get; } = api;

    public Printer Printer { get; } = printer;

    public TimeSpan PollInterval { get; } = pollInterval;

    public void Dispose() => Api.Dispose();
}

/// <summary>Builds commands whose actions get a <see cref="Session"/> and whose failures become exit codes.</summary>
internal sealed class CommandKit(CliHost host, GlobalOptions globals)
{
    public CliHost Host { get; } = host;

    public GlobalOptions Globals { get; } = globals;

    public static Command Group(string name, string description, params Command[] verbs)
    {
        var command = new Command(name, description);
        foreach (var verb in verbs)
        {
            command.Subcommands.Add(verb);
        }

        return command;
    }

    public Command Verb(
        string name,
        string description,
        Func<Session, ParseResult, CancellationToken, Task<int>> run,
        params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
            }
        }

        command.SetAction((parse, ct) => RunAsync(parse, run, ct));
        return command;
    }

    /// <summary>Runs an action that needs no server (configure, completion) with the same error handling.</summary>
    public Task<int> GuardAsync(Func<Task<int>> run) => Guard(Host, run);

    public static async Task<int> Guard(CliHost host, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (ApiException e)
        {
            ErrorReport.Write(host.Err, e);
            return ExitCodes.ForStatus(e.Status);
        }
        catch (CliException e)
        {
            host.Err.WriteLine($"Error: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            host.Err.WriteLine("Cancelled. A job already started goes on on the server: see 'deskpool jobs watch'.");
            return ExitCodes.Failed;
        }
        catch (IOException e)
        {
            host.Err.WriteLine($"Error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (UnauthorizedAccessException e)
        {
            host.Err.WriteLine($"Error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private Task<int> RunAsync(
        ParseResult parse, Func<Session, ParseResult, CancellationToken, Task<int>> run, CancellationToken ct) =>
        Guard(Host, async () =>
        {
            var connection = Connection.Resolve(
                parse.GetValue(Globals.Endpoint),
                parse.GetValue(Globals.Project),
                parse.GetValue(Globals.Token),
                parse.GetValue(Globals.Profile),
                Host);
            var timeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(Globals.Timeout)));
            var poll = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(Globals.PollInterval), 0.01, 60));
            using var session = new Session(
                Host, connection, new ApiClient(connection, Host.Handler, timeout),
                new Printer(Host, Globals.Format(parse)), poll);
            return await run(session, parse, ct);
        });
}
