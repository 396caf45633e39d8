using System.Globalization;
using System.Text.RegularExpressions;

namespace Deskpool.Tests.Operations;

/// <summary>Reads a Prometheus text exposition: one sample per line, <c>name{labels} value</c>.</summary>
internal static partial class Scrape
{
    public static async Task<string> MetricsAsync(this HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include every given one.</summary>
    public static double Value(string exposition, string name, params (string Label, string Value)[] labels)
    {
        var total = 0.0;
        var found = false;
        foreach (Match match in Sample().Matches(exposition))
        {
            if (match.Groups["name"].Value != name)
            {
                continue;
            }

            var text = match.Groups["labels"].Value;
            if (labels.All(l => text.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                found = true;
                total += double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.True(found, $"No sample of {name} with {string.Join(", ", labels)} in:\n{exposition}");
        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
