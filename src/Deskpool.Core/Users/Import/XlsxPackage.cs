using System.IO.Compression;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Users.Import;

/// <summary>
/// Decides from the bytes, not the file name, whether an upload is a plain .xlsx workbook we may
/// open: a zip package whose main part is a spreadsheet, without macros, not encrypted, and not
/// expanding to more than a sane size (a zip bomb is refused before anything is decompressed).
/// </summary>
public static class XlsxPackage
{
    public const int MaxUploadBytes = 1024 * 1024;
    public const long MaxUnpackedBytes = 32L * 1024 * 1024;
    public const int MaxEntries = 500;

    private const string WorkbookContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    private const string MacroWorkbookContentType = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] CompoundFileMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public static Failure? Check(byte[] content)
    {
        if (content.Length == 0)
        {
            return Refuse(ErrorCodes.FieldRequired, "The uploaded file is empty.");
        }

        if (content.Length > MaxUploadBytes)
        {
            return Refuse(ErrorCodes.FieldOutOfRange,
                $"The file is {content.Length / 1024} KB; uploads may be at most {MaxUploadBytes / 1024} KB (1 MB).");
        }

        if (content.AsSpan().StartsWith(CompoundFileMagic))
        {
            return Refuse(ErrorCodes.FieldFormat,
                "The file is password-protected (or an old .xls workbook); save it as a plain .xlsx without a password.");
        }

        if (!content.AsSpan().StartsWith(ZipMagic))
        {
            return Refuse(ErrorCodes.FieldFormat, "The file is not an .xlsx workbook (its content is not an Office Open XML package).");
        }

        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxEntries)
            {
                return Refuse(ErrorCodes.FieldFormat, $"The package holds {zip.Entries.Count} parts; a workbook of users needs far fewer.");
            }

            var unpacked = zip.Entries.Sum(e => e.Length);
            if (unpacked > MaxUnpackedBytes)
            {
                return Refuse(ErrorCodes.FieldOutOfRange,
                    $"The workbook would unpack to {unpacked / (1024 * 1024)} MB; at most {MaxUnpackedBytes / (1024 * 1024)} MB is accepted.");
            }

            if (zip.Entries.Any(e => e.FullName.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
            {
                return Refuse(ErrorCodes.FieldFormat, "The workbook contains macros; save it as a plain .xlsx workbook.");
            }

            var types = zip.GetEntry("[Content_Types].xml");
            if (types is null)
            {
                return Refuse(ErrorCodes.FieldFormat, "The file is a zip archive but not an .xlsx workbook.");
            }

            using var reader = new StreamReader(types.Open());
            var manifest = reader.ReadToEnd();
            if (manifest.Contains(MacroWorkbookContentType, StringComparison.Ordinal))
            {
                return Refuse(ErrorCodes.FieldFormat, "The workbook is macro-enabled (.xlsm); save it as a plain .xlsx workbook.");
            }

            return manifest.Contains(WorkbookContentType, StringComparison.Ordinal)
                ? null
                : Refuse(ErrorCodes.FieldFormat, "The file is an Office package but not an Excel workbook (.xlsx).");
        }
        catch (InvalidDataException)
        {
            return Refuse(ErrorCodes.FieldFormat, "The file is damaged: its zip structure cannot be read.");
        }
    }

    private static Failure Refuse(string code, string message) => Failure.Invalid(code, "file", message);
}
