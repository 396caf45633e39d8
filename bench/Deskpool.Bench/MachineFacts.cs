using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Deskpool.Bench;

/// <summary>What a reader needs to compare a result with their own: the machine, the runtime, the code.</summary>
internal sealed record MachineFacts(
    int Cores,
    string CpuModel,
    double MemoryGiB,
    string Os,
    string Runtime,
    string Commit,
    DateTimeOffset Date)
{
    public static async Task<MachineFacts> ReadAsync(string? repositoryRoot, CancellationToken cancellationToken)
    {
        var cpuModel = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
            .Split(':', 2)[1].Trim() ?? "unknown";
        var memTotalKb = File.ReadLines("/proc/meminfo")
            .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var memoryGiB = memTotalKb is null ? 0 : long.Parse(memTotalKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return new MachineFacts(
            Environment.ProcessorCount,
            cpuModel,
            memoryGiB,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            await CommitAsync(repositoryRoot, cancellationToken),
            DateTimeOffset.UtcNow);
    }

    private static async Task<string> CommitAsync(string? repositoryRoot, CancellationToken cancellationToken)
    {
        if (repositoryRoot is null)
        {
            return "unknown";
        }

        var head = await GitAsync(repositoryRoot, ["rev-parse", "--short=12", "HEAD"], cancellationToken);
        if (string.IsNullOrEmpty(head))
        {
            return "unknown";
        }

        var changes = await GitAsync(
            repositoryRoot, ["status", "--porcelain", "--untracked-files=no"], cancellationToken);
        return string.IsNullOrEmpty(changes) ? head : head + " with uncommitted changes";
    }

    private static async Task<string?> GitAsync(
        string directory, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var git = Process.Start(start)!;
            var output = await git.StandardOutput.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            return git.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}
