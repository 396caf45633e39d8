using System.Globalization;

namespace Deskpool.Bench;

/// <summary>
/// CPU time the whole machine has spent busy, from /proc/stat. Set beside the server's and the
/// benchmark's own CPU time it shows how much other work competed for the cores during a run.
/// </summary>
internal static class MachineCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux

    public static TimeSpan BusyTime()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in USER_HZ ticks;
        // guest time is already counted in user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }
}
