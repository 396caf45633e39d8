using System.Globalization;
using System.Text;

namespace Deskpool.Bench;

/// <summary>Prints the runs as a table, then as a Markdown section ready for docs/benchmarks.md.</summary>
internal static class Report
{
    public const string TableHeader =
        "run  POST s  to SUCCESS s  seen by poll s  desktops/s  peak RSS MiB  idle RSS MiB  server CPU s  " +
        "others' CPU s (%)  polls  poll ms (mean/max)";

    /// <summary>From this share of the machine taken by other processes, a run is flagged as disturbed.</summary>
    private const int BusyMachinePercent = 25;

    public static string TableRow(RunResult r) => Row(r.Run.ToString(CultureInfo.InvariantCulture), r);

    public static void Print(ProvisionOptions options, MachineFacts facts, IReadOnlyList<RunResult> results)
    {
        var median = Median(results);
        Console.WriteLine(Row("med", median));
        Console.WriteLine();
        Console.WriteLine($"Target: under 10 s to SUCCESS and under 300 MB peak RSS for 1,000 desktops. Median: " +
            $"{median.SecondsToSuccess:0.00} s, {median.PeakRssMiB:0} MiB ({median.PeakRssMiB * 1.048576:0} MB).");
        if (results.Any(r => r.OtherCpuPercent >= BusyMachinePercent))
        {
            Console.WriteLine($"Note: other processes used {BusyMachinePercent} % or more of the machine's CPU " +
                "during some runs (see \"others' CPU\"); those runs overstate the time a quiet machine would take.");
        }
        Console.WriteLine();
        Console.WriteLine("---- Markdown for docs/benchmarks.md ----");
        Console.WriteLine(Markdown(options, facts, results, median));
    }

    private static string Row(string label, RunResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{label,-3}  {r.PostSeconds,6:0.00}  {r.SecondsToSuccess,12:0.00}  {r.SecondsSeenByPoll,14:0.00}  " +
        $"{r.DesktopsPerSecond,10:0}  {r.PeakRssMiB,12:0}  {r.IdleRssMiB,12:0}  {r.ServerCpuSeconds,12:0.0}  " +
        $"{r.OtherCpuSeconds,8:0.0} ({r.OtherCpuPercent,3:0} %)  {r.Polls,5}  " +
        $"{r.MeanPollMs,8:0}/{r.MaxPollMs:0}");

    private static string Markdown(
        ProvisionOptions options, MachineFacts facts, IReadOnlyList<RunResult> results, RunResult median)
    {
        var md = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        md.AppendLine(invariant, $"#### {facts.Date:yyyy-MM-dd}, commit {facts.Commit}");
        md.AppendLine();
        md.AppendLine(invariant,
            $"Machine: {facts.Cores} cores ({facts.CpuModel}), {facts.MemoryGiB:0.0} GiB memory, {facts.Os}; " +
            $"{facts.Runtime}.");
        md.AppendLine(invariant,
            $"Command: `dotnet run -c Release --project bench/Deskpool.Bench -- provision " +
            $"--desktops {options.Desktops} --runs {options.Runs} " +
            $"--poll-ms {options.PollInterval.TotalMilliseconds:0}`");
        md.AppendLine();
        md.AppendLine("| Run | POST (s) | To SUCCESS (s) | Seen by poll (s) | Desktops/s | Peak RSS (MiB) " +
            "| Idle RSS (MiB) | Server CPU (s) | Others' CPU (s) | Polls | Poll ms, mean / max |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(MarkdownRow(r.Run.ToString(invariant), r));
        }

        md.AppendLine(MarkdownRow("**Median**", median));
        return md.ToString();
    }

    private static string MarkdownRow(string label, RunResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {r.PostSeconds:0.00} | {r.SecondsToSuccess:0.00} | {r.SecondsSeenByPoll:0.00} | " +
        $"{r.DesktopsPerSecond:0} | {r.PeakRssMiB:0} | {r.IdleRssMiB:0} | {r.ServerCpuSeconds:0.0} | " +
        $"{r.OtherCpuSeconds:0.0} ({r.OtherCpuPercent:0} %) | {r.Polls} | {r.MeanPollMs:0} / {r.MaxPollMs:0} |");

    /// <summary>The median of each column on its own (so the row need not be one of the runs).</summary>
    private static RunResult Median(IReadOnlyList<RunResult> results) => new(
        0,
        Median(results.Select(r => r.PostSeconds)),
        Median(results.Select(r => r.SecondsToSuccess)),
        Median(results.Select(r => r.SecondsSeenByPoll)),
        Median(results.Select(r => r.DesktopsPerSecond)),
        Median(results.Select(r => r.PeakRssMiB)),
        Median(results.Select(r => r.IdleRssMiB)),
        Median(results.Select(r => r.ServerCpuSeconds)),
        Median(results.Select(r => r.OtherCpuSeconds)),
        Median(results.Select(r => r.OtherCpuPercent)),
        (int)Math.Round(Median(results.Select(r => (double)r.Polls))),
        Median(results.Select(r => r.MeanPollMs)),
        Median(results.Select(r => r.MaxPollMs)));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
