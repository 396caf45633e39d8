using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Deskpool.Tests.Support;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using static Deskpool.Tests.Support.Workbooks;

namespace Deskpool.Tests.Api;

/// <summary>Batch import from real .xlsx files: template, preview verdicts, confirm, and every refusal.</summary>
public sealed class UserImportTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Template_IsAnXlsxWithThePurchasePageColumns_AndAMobileColumnFormattedAsText()
    {
        var response = await Client.GetAsync(new Uri(Wire.Path("users/template"), UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        var header = sheet.Descendants<Row>().First().Elements<Cell>().Select(c => c.InnerText).ToList();
        Assert.Equal(Workbooks.Header, header);
        var mobileStyle = sheet.Descendants<Cell>().First(c => c.CellReference == "D5").StyleIndex!.Value;
        var format = document.WorkbookPart.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ElementAt((int)mobileStyle);
        Assert.Equal(49u, format.NumberFormatId!.Value);
    }

    [Fact]
    public async Task FilledTemplate_PreviewsThenConfirms()
    {
        var template = await (await Client.GetAsync(new Uri(Wire.Path("users/template"), UriKind.Relative))).Content.ReadAsByteArrayAsync();

        var preview = await PreviewAsync(template);
        Assert.Equal(1, preview.GetProperty("valid_count").GetInt32());
        var (_, none) = await Client.GetJsonAsync(Wire.Path("users?user_name=mei.lin"));
        Assert.Equal(0, none.GetProperty("total_count").GetInt32());

        var result = await ConfirmAsync(preview);
        Assert.Equal(1, result.GetProperty("created_count").GetInt32());
        var (_, created) = await Client.GetJsonAsync(Wire.Path("users?user_name=mei.lin"));
        var user = created.GetProperty("users")[0];
        Assert.Equal("+86 138 0013 8000", user.GetProperty("user_phone").GetString());
        Assert.Equal("USER_ACTIVATE", user.GetProperty("active_type").GetString());
    }

    [Fact]
    public async Task NumbersAsTextAndAsNumbers_ComeBackAsWritten()
    {
        var file = Build(
            [Number("1"), Number("12345"), Text("n1@example.com"), Number("13800138000"), Text("0"), Number("3.5")],
            [Text("2"), Text("00123"), Text("n2@example.com"), Text("013800138000"), Text("0"), Number("1E3")],
            [Text("3"), Text("user3"), Text("n3@example.com"), Number("1.3800138E10"), Date(new DateTime(2099, 6, 30)), Text("x")]);

        var rows = (await PreviewAsync(file)).GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal("12345", rows[0].GetProperty("user_name").GetString());
        Assert.Equal("13800138000", rows[0].GetProperty("user_phone").GetString());
        Assert.Equal("3.5", rows[0].GetProperty("description").GetString());
        Assert.Equal("00123", rows[1].GetProperty("user_name").GetString());
        Assert.Equal("013800138000", rows[1].GetProperty("user_phone").GetString());
        Assert.Equal("1000", rows[1].GetProperty("description").GetString());
        Assert.Equal("13800138000", rows[2].GetProperty("user_phone").GetString());
        Assert.Equal("2099-06-30T00:00:00Z", rows[2].GetProperty("account_expires").GetString());
        Assert.True(rows[0].GetProperty("valid").GetBoolean());
        Assert.False(rows[1].GetProperty("valid").GetBoolean(), "a 12-digit number without '+' is not a mobile number");
    }

    [Fact]
    public async Task Formulas_UseTheirComputedValue_AndOneWithoutAValueIsARowError()
    {
        var file = Build(
            [Text("1"), Formula("LOWER(\"ALICE\")", "alice"), Text("alice@example.com")],
            [Text("2"), Formula("CONCAT(\"b\",\"ob\")", null), Text("bob@example.com")]);

        var rows = (await PreviewAsync(file)).GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal("alice", rows[0].GetProperty("user_name").GetString());
        Assert.True(rows[0].GetProperty("valid").GetBoolean());
        Assert.False(rows[1].GetProperty("valid").GetBoolean());
        Assert.Contains(rows[1].GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("error_msg").GetString()!.Contains("formula has no computed value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmptyAndBlankRows_AreNotRecords()
    {
        var file = Build(
            Row("1", "carol", "carol@example.com"),
            Row(null, "   ", "", null),
            Row("4", "dave", "dave@example.com"),
            Row("", " "),
            Row(null, null));

        var preview = await PreviewAsync(file);

        Assert.Equal(2, preview.GetProperty("total_count").GetInt32());
        Assert.Equal([2, 4], preview.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
    }

    [Fact]
    public async Task RowVerdicts_NameTheRowTheFieldAndTheRule()
    {
        var file = Build(
            Row("1", "good.one", "good@example.com"),
            Row("2", "bad name", "bad@example.com"),
            Row("3", "no-mail", null),
            Row("4", "good.one", "other@example.com"));

        var rows = (await PreviewAsync(file)).GetProperty("rows").EnumerateArray().ToList();

        Assert.True(rows[0].GetProperty("valid").GetBoolean());
        Assert.Equal(("user_name", "WKS.0004"), FirstError(rows[1]));
        Assert.Equal(("user_email", "WKS.0002"), FirstError(rows[2]));
        Assert.Equal(("user_name", "WKS.0009"), FirstError(rows[3]));
        Assert.StartsWith("Row 3:", rows[1].GetProperty("errors")[0].GetProperty("error_msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_CreatesTheValidRowsOnly_AndCannotBeRepeated()
    {
        var preview = await PreviewAsync(Build(Row("1", "erin", "erin@example.com"), Row("2", "bad_", "x@example.com")));

        var result = await ConfirmAsync(preview);
        var (again, error) = await Client.PostJsonAsync(Wire.Path($"users/import/{preview.GetProperty("import_id").GetString()}/confirm"), null);

        Assert.Equal(1, result.GetProperty("created_count").GetInt32());
        Assert.Equal(1, result.GetProperty("failed_count").GetInt32());
        Assert.Equal(3, result.GetProperty("failed")[0].GetProperty("row").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("WKS.00010032", error.Code());
    }

    [Fact]
    public async Task Confirm_RejudgesRows_WhenTheProjectChangedSincePreview()
    {
        var preview = await PreviewAsync(Build(Row("1", "frank", "frank@example.com")));
        await Client.PostJsonAsync(Wire.Path("users"), UserRulesTests.AdminUser("Frank"));

        var result = await ConfirmAsync(preview);

        Assert.Equal(0, result.GetProperty("created_count").GetInt32());
        Assert.Equal("WKS.0009", result.GetProperty("failed")[0].GetProperty("errors")[0].GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task TwoHundredRecords_AreAccepted_TwoHundredAndOneRefused()
    {
        Cell[][] Rows(int n) => Enumerable.Range(1, n).Select(i => Row($"{i}", $"bulk-{i}", $"bulk{i}@example.com")).ToArray();

        var accepted = await PreviewAsync(Build(Rows(200)));
        var (refused, error) = await UploadAsync(Build(Rows(201)));

        Assert.Equal(200, accepted.GetProperty("valid_count").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("WKS.0003", error.Code());
        Assert.Contains("more than 200 records", error.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileOverOneMegabyte_IsRefused()
    {
        var noise = new Random(7);
        string Junk() => new(Enumerable.Range(0, 30_000).Select(_ => (char)noise.Next(0x4E00, 0x9FA5)).ToArray());
        var file = Build(Enumerable.Range(1, 20).Select(i => new[] { Text($"{i}"), Text($"big{i}"), Text($"big{i}@example.com"),
            Empty(), Empty(), Text(Junk()) }).ToArray());
        Assert.True(file.Length > 1024 * 1024, $"the test file should exceed 1 MB (it has {file.Length} bytes)");

        var (response, error) = await UploadAsync(file);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1 MB", error.Message(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", "not an .xlsx workbook")]
    [InlineData("pdf", "not an .xlsx workbook")]
    [InlineData("encrypted", "password-protected")]
    [InlineData("macros", "macros")]
    [InlineData("truncated", "damaged")]
    [InlineData("bomb", "unpack")]
    [InlineData("zip", "not an .xlsx workbook")]
    public async Task FilesThatAreNotPlainWorkbooks_AreRefusedCleanly(string kind, string says)
    {
        var good = Build(Row("1", "gina", "gina@example.com"));
        var file = kind switch
        {
            "text" => "user_name,email\ngina,gina@example.com\n"u8.ToArray(),
            "pdf" => "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray(),
            "encrypted" => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504]],
            "macros" => WithMacros(good),
            "truncated" => good[..(good.Length / 2)],
            "bomb" => WithBomb(good, 64),
            _ => ZipWithoutWorkbook(),
        };

        var (response, error) = await UploadAsync(file);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("file", error.GetProperty("field").GetString());
        Assert.Contains(says, error.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASheetWithoutTheHeader_OrWithColumnsMoved_IsRefusedWhole()
    {
        var noHeader = Build(Row("1", "nh1", "nh1@example.com"));
        noHeader = Rewrite(noHeader, "Username", "nh0");
        var moved = Rewrite(Build(Row("1", "mv1", "mv1@example.com")), "Username", "Description");

        var (first, firstError) = await UploadAsync(noHeader);
        var (second, secondError) = await UploadAsync(moved);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Contains("header", firstError.Message(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("file", secondError.GetProperty("field").GetString());
    }

    [Fact]
    public async Task UnknownImport_IsNotFound()
    {
        var (response, error) = await Client.PostJsonAsync(Wire.Path("users/import/no-such-import/confirm"), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("WKS.00180404", error.Code());
    }

    private static (string, string) FirstError(JsonElement row)
    {
        var error = row.GetProperty("errors")[0];
        return (error.GetProperty("field").GetString()!, error.GetProperty("error_code").GetString()!);
    }

    private async Task<JsonElement> PreviewAsync(byte[] file)
    {
        var (response, body) = await UploadAsync(file);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<JsonElement> ConfirmAsync(JsonElement preview)
    {
        var (response, body) = await Client.PostJsonAsync(
            Wire.Path($"users/import/{preview.GetProperty("import_id").GetString()}/confirm"), null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> UploadAsync(byte[] file)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(part, "file", "users.xlsx");
        var response = await Client.PostAsync(new Uri(Wire.Path("users/import"), UriKind.Relative), form);
        var text = await response.Content.ReadAsStringAsync();
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Replaces one shared string of a workbook (here: a header cell) with another text.</summary>
    private static byte[] Rewrite(byte[] workbook, string from, string to)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var document = SpreadsheetDocument.Open(stream, true))
        {
            var table = document.WorkbookPart!.SharedStringTablePart!.SharedStringTable;
            foreach (var text in table.Descendants<Text>().Where(t => t.Text == from))
            {
                text.Text = to;
            }
        }

        return stream.ToArray();
    }

    private static byte[] ZipWithoutWorkbook()
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            entry.Write("not a workbook");
        }

        return stream.ToArray();
    }
}
