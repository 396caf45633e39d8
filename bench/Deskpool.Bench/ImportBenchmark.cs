using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Deskpool.Bench;

/// <summary>
/// Times the import preview: upload a 200-row workbook, read it, judge every row against the user
/// rules and the stored users, store the preview, answer with a verdict per row. Measured from the
/// client, over loopback, on a warm server; nothing is created.
/// </summary>
internal static class ImportBenchmark
{
    private const int Warmup = 5;

    public static async Task<int> RunAsync(int rows, int samples, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find();
        var serverDll = await ProvisionBenchmark.BuildServerAsync(root, cancellationToken);
        var facts = await MachineFacts.ReadAsync(root, cancellationToken);
        var workbook = Workbook(rows);
        await using var server = await ServerProcess.StartAsync(serverDll, 10, cancellationToken);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", ServerProcess.AdminToken);

        var times = new List<double>();
        for (var i = 0; i < Warmup + samples; i++)
        {
            var elapsed = await PreviewAsync(client, workbook, rows, cancellationToken);
            if (i >= Warmup)
            {
                times.Add(elapsed);
            }
        }

        times.Sort();
        var median = times[times.Count / 2];
        var p95 = times[(int)Math.Ceiling(times.Count * 0.95) - 1];
        Console.WriteLine($"""

            ## Import preview of {rows} rows

            {facts.Date:yyyy-MM-dd}, {facts.Cores} cores ({facts.CpuModel}), {facts.MemoryGiB:0.0} GiB, {facts.Runtime}, commit {facts.Commit}.
            Workbook {workbook.Length / 1024.0:0.0} KiB; {Warmup} warm-up uploads, then {samples} measured.

            | Median (ms) | p95 (ms) | Min (ms) | Max (ms) |
            |---:|---:|---:|---:|
            | {median:0.0} | {p95:0.0} | {times[0]:0.0} | {times[^1]:0.0} |
            """);
        return 0;
    }

    private static async Task<double> PreviewAsync(HttpClient client, byte[] workbook, int rows, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(workbook);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(part, "file", "users.xlsx");

        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsync(new Uri($"/v2/{ServerProcess.ProjectId}/users/import", UriKind.Relative),
            form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        watch.Stop();

        if (!response.IsSuccessStatusCode || !body.Contains($"\"valid_count\":{rows}", StringComparison.Ordinal))
        {
            throw new BenchmarkFailedException($"The preview was not the expected one: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>A template-shaped workbook with every row valid: numbers as text and as numbers, dates, descriptions.</summary>
    private static byte[] Workbook(int rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(1, "Serial number", "Username", "E-mail", "Mobile", "Expiry time", "Description"));
            for (var i = 1; i <= rows; i++)
            {
                var row = Row((uint)(i + 1), i.ToString(CultureInfo.InvariantCulture), $"bench.user{i}", $"bench.user{i}@example.com",
                    $"+86 138 {i:0000} 8000", "2099-12-31T00:00:00Z", $"Benchmark row {i}");
                data.Append(row);
            }

            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets()).Append(
                new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Users" });
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static Row Row(uint index, params string[] values)
    {
        var row = new Row { RowIndex = index };
        for (var c = 0; c < values.Length; c++)
        {
            row.Append(new Cell
            {
                CellReference = $"{(char)('A' + c)}{index}",
                DataType = CellValues.InlineString,
                InlineString = new InlineString(new Text(values[c]) { Space = SpaceProcessingModeValues.Preserve }),
            });
        }

        return row;
    }
}
