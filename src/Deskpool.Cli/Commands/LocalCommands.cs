using System.CommandLine;
using Deskpool.Cli.Config;

namespace Deskpool.Cli.Commands;

/// <summary>Commands that need no server: <c>configure</c> and <c>completion</c>.</summary>
internal static class LocalCommands
{
    public static Command Configure(CommandKit kit)
    {
        var command = new Command("configure",
            "Write a profile (endpoint, project, token) to the config file; --profile names it (default 'default')");
        command.SetAction((p, ct) => kit.GuardAsync(() =>
        {
            var file = ConfigFile.Locate(kit.Host.Environment);
            var document = file.Read();
            var name = p.GetValue(kit.Globals.Profile) ?? Connection.DefaultProfile;
            var old = document.Profiles.GetValueOrDefault(name) ?? new Profile(null, null, null);
            var endpoint = p.GetValue(kit.Globals.Endpoint);
            if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            {
                throw new CliException($"The endpoint '{endpoint}' is not an absolute address.", ExitCodes.Usage);
            }

            var profile = new Profile(
                endpoint ?? old.Endpoint,
                p.GetValue(kit.Globals.Project) ?? old.Project,
                p.GetValue(kit.Globals.Token) ?? old.Token);
            if (profile == old && endpoint is null)
            {
                throw new CliException("Give at least one of --endpoint, --project, --token.", ExitCodes.Usage);
            }

            document.Profiles[name] = profile;
            file.Write(document);
            kit.Host.Out.WriteLine($"Profile '{name}' written to {file.Path}.");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public static Command Completion(CommandKit kit)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: eval \"$(deskpool completion bash)\"");
        command.Arguments.Add(shell);
        command.SetAction(p =>
        {
            kit.Host.Out.Write(p.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Success;
        });
        return command;
    }

    // Both scripts ask deskpool itself through System.CommandLine's [suggest] directive, so they never go stale.
    private const string Bash = """
        # deskpool completion for bash. Enable with: eval "$(deskpool completion bash)"
        _deskpool_complete() {
            local IFS=$'\n'
            local candidates
            candidates="$(deskpool "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)"
            COMPREPLY=($(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _deskpool_complete deskpool

        """;

    private const string Zsh = """
        # deskpool completion for zsh. Enable with: eval "$(deskpool completion zsh)"
        _deskpool_complete() {
            local -a candidates
            candidates=("${(@f)$(deskpool "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
            compadd -- "${candidates[@]}"
        }
        compdef _deskpool_complete deskpool

        """;
}
