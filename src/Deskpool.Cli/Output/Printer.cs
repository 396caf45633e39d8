using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using YamlDotNet.Serialization;

namespace Deskpool.Cli.Output;

internal enum OutputFormat
{
    Table,
    Json,
    Yaml,
}

/// <summary>
/// Writes what a command produced: a Spectre.Console table for people, or the API's own JSON (or the same
/// content as YAML) for scripts. Remarks meant for people go to standard error when a script reads the output.
/// </summary>
internal sealed class Printer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly CliHost _host;

    public Printer(CliHost host, OutputFormat format)
    {
        _host = host;
        Format = format;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(host.Out),
            Ansi = host.OutputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = host.OutputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = host.OutputIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!host.OutputIsTerminal)
        {
            // Piped output is read by other programs: no wrapping at an imagined 80 columns.
            Console.Profile.Width = 240;
        }
    }

    public OutputFormat Format { get; }

    public IAnsiConsole Console { get; }

    public bool IsTable => Format == OutputFormat.Table;

    /// <summary>Prints the API's answer: as a table built by <paramref name="table"/>, or as JSON or YAML.</summary>
    public void Data(JsonNode? raw, Func<IRenderable> table)
    {
        switch (Format)
        {
            case OutputFormat.Json:
                _host.Out.WriteLine(raw is null ? "{}" : raw.ToJsonString(Indented));
                break;
            case OutputFormat.Yaml:
                _host.Out.Write(Yaml(raw));
                break;
            default:
                Console.Write(table());
                break;
        }
    }

    /// <summary>The answer of a change: a sentence for people, the API's answer for scripts.</summary>
    public void Result(JsonNode? raw, string sentence)
    {
        if (IsTable)
        {
            _host.Out.WriteLine(sentence);
        }
        else
        {
            Data(raw ?? new JsonObject(), () => new Text(sentence));
        }
    }

    /// <summary>A remark for people: on standard output with tables, on standard error with JSON or YAML.</summary>
    public void Note(string text)
    {
        if (IsTable)
        {
            _host.Out.WriteLine(text);
        }
        else
        {
            _host.Err.WriteLine(text);
        }
    }

    public static Table NewTable(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>Adds a row of plain text: values from the server are never read as markup.</summary>
    public static void Row(Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());

    /// <summary>A two-column view of one object.</summary>
    public static Table Details(params (string Key, string? Value)[] fields)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders();
        table.AddColumn("field");
        table.AddColumn("value");
        foreach (var (key, value) in fields)
        {
            Row(table, key, value);
        }

        return table;
    }

    public static string Yaml(JsonNode? node)
    {
        // Quote strings a YAML 1.1 reader would take for booleans, numbers or dates ("yes", "12:30", "2026-12-04").
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings(true).Build();
        return serializer.Serialize(Plain(node));
    }

    /// <summary>A JSON tree as dictionaries, lists and scalars, which YamlDotNet writes as they are.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => decimal.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture) is var number && number == decimal.Truncate(number)
                    ? (object)(long)number
                    : number,
            _ => null,
        },
        _ => null,
    };
}
