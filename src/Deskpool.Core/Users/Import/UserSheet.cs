using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Users.Import;

/// <summary>One record of an import sheet, as text, with the row number people see in Excel.</summary>
public sealed record SheetRow(
    int RowNumber,
    string? Serial,
    string? UserName,
    string? Email,
    string? Mobile,
    string? Expiry,
    string? Description,
    IReadOnlyList<Failure> CellProblems);

/// <summary>
/// The batch-import workbook: the template users fill in, and the reader for what they upload.
/// Columns follow the purchase page: serial number, username, e-mail, mobile, expiry time, description.
/// </summary>
public static class UserSheet
{
    public const int MaxRecords = 200;

    public static readonly string[] Headers = ["Serial number", "Username", "E-mail", "Mobile", "Expiry time", "Description"];
    private static readonly string[] Fields = ["serial", "user_name", "user_email", "user_phone", "account_expires", "description"];

    /// <summary>A workbook with the header row, an example row, and the mobile column formatted as text.</summary>
    public static byte[] Template()
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = TemplateStyles();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(1, Headers, style: 1));
            data.Append(Row(2, ["1", "mei.lin", "mei.lin@example.com", "+86 138 0013 8000", "0", "Finance"], style: 2));
            for (uint r = 3; r <= MaxRecords + 1; r++)
            {
                // Pre-format the mobile column as text so Excel keeps '+' and leading zeros as typed.
                data.Append(new Row(new Cell { CellReference = $"D{r}", StyleIndex = 2 }) { RowIndex = r });
            }

            var columns = new Columns(
                Column(1, 14), Column(2, 22), Column(3, 34), Column(4, 22), Column(5, 24), Column(6, 40));
            sheetPart.Worksheet = new Worksheet(columns, data);
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Users" });
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Reads the first worksheet. The first row is the header; rows whose cells are all empty or
    /// blank are not records. Numbers come back as written, without ".0" or exponents; text cells
    /// come back as typed, so leading zeros are kept when the file has them and never invented.
    /// </summary>
    public static Outcome<List<SheetRow>> Read(byte[] content)
    {
        if (XlsxPackage.Check(content) is { } refused)
        {
            return refused;
        }

        try
        {
            using var document = SpreadsheetDocument.Open(new MemoryStream(content), false);
            var workbook = document.WorkbookPart ?? throw new InvalidDataException("no workbook part");
            var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault()
                ?? throw new InvalidDataException("no worksheet");
            var sheet = (WorksheetPart)workbook.GetPartById(first.Id!.Value!);
            var strings = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
            var dateStyles = DateStyleIndexes(workbook);
            var rows = new List<SheetRow>();
            var sawHeader = false;
            var seenRows = new HashSet<int>();
            foreach (var row in sheet.Worksheet.Descendants<Row>())
            {
                var number = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 2));
                if (number == 1)
                {
                    if (HeaderProblem(row, strings) is { } wrongHeader)
                    {
                        return wrongHeader;
                    }

                    sawHeader = true;
                    continue;
                }

                if (!sawHeader)
                {
                    return MissingHeader();
                }

                if (!seenRows.Add(number))
                {
                    return Failure.Invalid(ErrorCodes.FieldFormat, "file", $"The sheet describes row {number} twice; the file is damaged.");
                }

                var record = ReadRow(row, number, strings, dateStyles);
                if (record is null)
                {
                    continue;
                }

                rows.Add(record);
                if (rows.Count > MaxRecords)
                {
                    return Failure.Invalid(ErrorCodes.FieldOutOfRange, "file",
                        $"The sheet holds more than {MaxRecords} records (row {number} is record {rows.Count}); split it into several uploads.");
                }
            }

            return rows.Count == 0
                ? Failure.Invalid(ErrorCodes.FieldRequired, "file", "The sheet holds no records below its header row.")
                : rows;
        }
        catch (Exception ex) when (ex is InvalidDataException or OpenXmlPackageException or System.Xml.XmlException
            or InvalidOperationException or FormatException or ArgumentException)
        {
            return Failure.Invalid(ErrorCodes.FieldFormat, "file", "The workbook is damaged or not a regular .xlsx file and cannot be read.");
        }
    }

    /// <summary>The first row must name the template's columns, in order, so that no column is read as another.</summary>
    private static Failure? HeaderProblem(Row row, List<string> strings)
    {
        var cells = row.Elements<Cell>().ToDictionary(c => ColumnIndex(c.CellReference?.Value), c => c);
        for (var i = 0; i < Headers.Length; i++)
        {
            var text = cells.TryGetValue(i, out var cell) ? CellText(cell, strings, [], isDate: false).Text?.Trim() : null;
            if (!string.Equals(text, Headers[i], StringComparison.OrdinalIgnoreCase))
            {
                return MissingHeader();
            }
        }

        return null;
    }

    private static Failure MissingHeader() => Failure.Invalid(ErrorCodes.FieldFormat, "file",
        $"The first row must be the template's header: {string.Join(" | ", Headers)}. Download the template and keep its columns.");

    private static SheetRow? ReadRow(Row row, int number, List<string> strings, HashSet<uint> dateStyles)
    {
        var values = new string?[Fields.Length];
        var problems = new List<Failure>();
        foreach (var cell in row.Elements<Cell>())
        {
            var column = ColumnIndex(cell.CellReference?.Value);
            if (column < 0 || column >= Fields.Length)
            {
                continue;
            }

            var field = Fields[column];
            var (text, problem) = CellText(cell, strings, dateStyles, column == 4);
            if (problem is not null)
            {
                problems.Add(Failure.Invalid(ErrorCodes.FieldFormat, field, $"Row {number}, {Headers[column]}: {problem}"));
            }

            values[column] = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        }

        var isRecord = values.Skip(1).Any(v => v is not null) || problems.Count > 0;
        return isRecord
            ? new SheetRow(number, values[0], values[1], values[2], values[3], values[4], values[5], problems)
            : null;
    }

    private static (string? Text, string? Problem) CellText(Cell cell, List<string> strings, HashSet<uint> dateStyles, bool isDate)
    {
        var raw = cell.CellValue?.Text;
        var type = cell.DataType?.Value;
        if (type == CellValues.InlineString)
        {
            return (cell.InlineString?.InnerText, null);
        }

        if (raw is null)
        {
            return cell.CellFormula is not null ? (null, "the formula has no computed value; save the file in Excel first") : (null, null);
        }

        if (type == CellValues.SharedString)
        {
            return int.TryParse(raw, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < strings.Count
                ? (strings[index], null)
                : (null, "the cell refers to a missing shared string");
        }

        if (type == CellValues.Error)
        {
            return (null, $"the cell holds the error {raw}");
        }

        if (type == CellValues.Boolean)
        {
            return (null, "a TRUE/FALSE cell cannot be a user field; type the value as text");
        }

        if (type == CellValues.String)
        {
            return (raw, null);
        }

        // A number. Dates are numbers with a date format: the expiry column turns them into UTC times.
        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return (null, $"'{raw}' is not a number");
        }

        if (isDate && cell.StyleIndex?.Value is { } style && dateStyles.Contains(style))
        {
            var instant = DateTime.FromOADate((double)value);
            return (DateTime.SpecifyKind(instant, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), null);
        }

        return (value.ToString("0.############################", CultureInfo.InvariantCulture), null);
    }

    private static HashSet<uint> DateStyleIndexes(WorkbookPart workbook)
    {
        var result = new HashSet<uint>();
        var formats = workbook.WorkbookStylesPart?.Stylesheet?.CellFormats?.Elements<CellFormat>().ToList();
        if (formats is null)
        {
            return result;
        }

        var custom = workbook.WorkbookStylesPart!.Stylesheet!.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        for (var i = 0; i < formats.Count; i++)
        {
            var id = formats[i].NumberFormatId?.Value ?? 0;
            var builtInDate = id is >= 14 and <= 22 or >= 45 and <= 47;
            var customDate = custom.TryGetValue(id, out var code) && LooksLikeDate(code);
            if (builtInDate || customDate)
            {
                result.Add((uint)i);
            }
        }

        return result;
    }

    private static bool LooksLikeDate(string code)
    {
        var plain = System.Text.RegularExpressions.Regex.Replace(code, "\"[^\"]*\"|\\[[^\\]]*\\]", "");
        return plain.IndexOfAny(['y', 'd', 'h', 's']) >= 0 || plain.Contains("mm", StringComparison.Ordinal);
    }

    private static int ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return -1;
        }

        var index = 0;
        foreach (var ch in reference.TakeWhile(char.IsAsciiLetter))
        {
            index = (index * 26) + (char.ToUpperInvariant(ch) - 'A' + 1);
        }

        return index - 1;
    }

    private static Row Row(uint index, IReadOnlyList<string> values, uint style)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < values.Count; i++)
        {
            row.Append(new Cell
            {
                CellReference = $"{(char)('A' + i)}{index}",
                DataType = CellValues.InlineString,
                InlineString = new InlineString(new Text(values[i])),
                StyleIndex = i == 3 || style == 1 ? style : 0,
            });
        }

        return row;
    }

    private static Column Column(uint index, double width) =>
        new() { Min = index, Max = index, Width = width, CustomWidth = true };

    /// <summary>Style 0: default; 1: bold header; 2: text format (number format 49, "@").</summary>
    private static Stylesheet TemplateStyles() => new(
        new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 49, ApplyNumberFormat = true }) { Count = 3 });
}
