using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Deskpool.Tests.Support;

/// <summary>Real .xlsx files, made the way spreadsheet programs make them, for import tests.</summary>
public static class Workbooks
{
    public static readonly string[] Header = ["Serial number", "Username", "E-mail", "Mobile", "Expiry time", "Description"];

    /// <summary>A workbook with the header row and the given data rows (row 2 onwards).</summary>
    public static byte[] Build(params Cell[][] rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font()) { Count = 1 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None })) { Count = 1 },
                new Borders(new Border()) { Count = 1 },
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 22, ApplyNumberFormat = true }) { Count = 2 });
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new SharedStringTable();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(new Row(Header.Select((h, i) => Shared(strings, Ref(i, 1), h))) { RowIndex = 1 });
            for (var r = 0; r < rows.Length; r++)
            {
                var index = (uint)(r + 2);
                var cells = rows[r].Select((c, i) => Place(c, strings, Ref(i, index))).Where(c => c is not null).ToList();
                data.Append(new Row(cells!) { RowIndex = index });
            }

            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets()).Append(
                new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Users" });
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    /// <summary>A data row of text cells (null leaves the cell out).</summary>
    public static Cell[] Row(params string?[] values) => values.Select(v => v is null ? Empty() : Text(v)).ToArray();

    public static Cell Text(string value) => new() { DataType = CellValues.SharedString, CellValue = new CellValue(value) };

    public static Cell Number(string raw) => new() { CellValue = new CellValue(raw) };

    public static Cell Formula(string formula, string? cached) => new()
    {
        CellFormula = new CellFormula(formula),
        DataType = CellValues.String,
        CellValue = cached is null ? null : new CellValue(cached),
    };

    public static Cell Date(DateTime utc) => new()
    {
        CellValue = new CellValue(utc.ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        StyleIndex = 1,
    };

    public static Cell Empty() => new() { CellValue = null };

    /// <summary>The same workbook package with a VBA project part added, as a macro-enabled file carries.</summary>
    public static byte[] WithMacros(byte[] workbook) => Repack(workbook, zip =>
    {
        var entry = zip.CreateEntry("xl/vbaProject.bin");
        using var stream = entry.Open();
        stream.Write(new byte[64]);
    });

    /// <summary>Adds a part that is tiny packed but huge unpacked.</summary>
    public static byte[] WithBomb(byte[] workbook, int megabytes) => Repack(workbook, zip =>
    {
        var entry = zip.CreateEntry("xl/media/padding.bin", CompressionLevel.SmallestSize);
        using var stream = entry.Open();
        var block = new byte[1024 * 1024];
        for (var i = 0; i < megabytes; i++)
        {
            stream.Write(block);
        }
    });

    private static byte[] Repack(byte[] workbook, Action<ZipArchive> change)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            change(zip);
        }

        return stream.ToArray();
    }

    private static Cell? Place(Cell cell, SharedStringTablePart strings, string reference)
    {
        if (cell.CellValue is null && cell.CellFormula is null)
        {
            return null;
        }

        var placed = (Cell)cell.CloneNode(true);
        placed.CellReference = reference;
        if (placed.DataType?.Value == CellValues.SharedString)
        {
            return Shared(strings, reference, placed.CellValue!.Text);
        }

        return placed;
    }

    private static Cell Shared(SharedStringTablePart strings, string reference, string text)
    {
        strings.SharedStringTable.Append(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        var index = strings.SharedStringTable.ChildElements.Count - 1;
        return new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
    }

    private static string Ref(int column, uint row) => $"{(char)('A' + column)}{row}";
}
