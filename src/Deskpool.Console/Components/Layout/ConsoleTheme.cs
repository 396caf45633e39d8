using MudBlazor;

namespace Deskpool.WebConsole.Components.Layout;

/// <summary>
/// The console's look: MudBlazor's defaults, with fonts the machine has (nothing is fetched from outside).
/// </summary>
internal static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };
}
