using System.Globalization;

namespace Deskpool.Bench;

/// <summary>The command line of the provisioning benchmark.</summary>
internal sealed record ProvisionOptions
{
    public const string Usage = """
        usage: deskpool-bench provision [options]

          --desktops N      desktops in the pool (1 to 1000, one purchase request; default 1000)
          --runs R          runs, each on a fresh server and data folder (default 3)
          --server-dll P    use this deskpool-server.dll as it is; without it the benchmark runs
                            'dotnet build -c Release src/Deskpool.Server' in this repository first
          --poll-ms MS      how often the job is polled (default 500; see docs/benchmarks.md)
          --timeout-s S     give up on a run after S seconds (default 300)
        """;

    public int Desktops { get; init; } = 1000;

    public int Runs { get; init; } = 3;

    public string? ServerDll { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    public static (ProvisionOptions? Options, string? Error) Parse(string[] args)
    {
        var options = new ProvisionOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                return (null, $"{name} needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--desktops" when Int(value, 1, 1000) is { } desktops:
                    options = options with { Desktops = desktops };
                    break;
                case "--runs" when Int(value, 1, 100) is { } runs:
                    options = options with { Runs = runs };
                    break;
                case "--server-dll":
                    options = options with { ServerDll = Path.GetFullPath(value) };
                    break;
                case "--poll-ms" when Int(value, 10, 60_000) is { } pollMs:
                    options = options with { PollInterval = TimeSpan.FromMilliseconds(pollMs) };
                    break;
                case "--timeout-s" when Int(value, 1, 3600) is { } timeoutS:
                    options = options with { Timeout = TimeSpan.FromSeconds(timeoutS) };
                    break;
                case "--desktops" or "--runs" or "--poll-ms" or "--timeout-s":
                    return (null, $"{name} {value} is not a whole number in the allowed range.");
                default:
                    return (null, $"unknown option {name}.");
            }
        }

        return (options, null);
    }

    private static int? Int(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
                ? value
                : null;
}

/// <summary>A run that cannot be counted: the server would not start, the job failed, the result is wrong.</summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);
