namespace Deskpool.WebConsole.Components.Shared;

/// <summary>Attribute sets for MudBlazor parameters that take raw HTML attributes.</summary>
internal static class Aria
{
    public static Dictionary<string, object> Label(string label) => new() { ["aria-label"] = label };
}
