using System.CommandLine;
using Deskpool.Cli.Commands;

namespace Deskpool.Cli;

/// <summary>The <c>deskpool</c> command tree and its one entry point.</summary>
internal static class CliApp
{
    public static RootCommand Build(CliHost host)
    {
        var globals = new GlobalOptions();
        var kit = new CommandKit(host, globals);
        var root = new RootCommand("deskpool: manage Deskpool desktop pools, users and jobs through the REST API");
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        foreach (var command in (Command[])
        [
            PoolCommands.Pools(kit),
            PoolCommands.DesktopsGroup(kit),
            UserCommands.Users(kit),
            GroupCommands.Groups(kit),
            GroupCommands.NamingPolicies(kit),
            ProjectCommands.Jobs(kit),
            ProjectCommands.Products(kit),
            ProjectCommands.Images(kit),
            ProjectCommands.Quotas(kit),
            ProjectCommands.Costs(kit),
            ProjectCommands.Service(kit),
            AccessKeyCommands.AccessKeys(kit),
            LocalCommands.Configure(kit),
            LocalCommands.Completion(kit),
        ])
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Parses and runs one command line; the result is the process's exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken ct = default)
    {
        var parse = Build(host).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await host.Err.WriteLineAsync($"Error: {error.Message}");
            }

            await host.Err.WriteLineAsync("Run with --help for the usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Err }, ct);
    }
}
