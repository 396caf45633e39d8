using System.Globalization;
using Deskpool.Core.Broker;

namespace Deskpool.WebConsole.Components.Portal;

/// <summary>What the portal tells an end user after they leave a desktop, said the same way on every page.</summary>
internal static class PortalText
{
    public static string Time(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string Disconnected(string pool, Binding? binding) => binding?.ReleaseAt is { } release
        ? $"Disconnected from {pool}. Your desktop is kept for you until {Time(release)}."
        : $"Disconnected from {pool}. Your desktop is kept for you.";

    public static string LoggedOff(string pool, Binding? binding) => binding is null || !binding.Permanent
        ? $"Logged off from {pool}. Your desktop is handed back and rebuilt for its next user."
        : $"Logged off from {pool}. Your desktop stays yours.";
}
