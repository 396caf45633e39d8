using Deskpool.Core.Users.Import;
using Deskpool.Core.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Deskpool.Server.Api;

internal sealed record RowVerdictWire(
    int Row,
    string? Serial,
    string? UserName,
    string? UserEmail,
    string? UserPhone,
    string? AccountExpires,
    string? Description,
    bool Valid,
    IReadOnlyList<FieldError> Errors,
    string? UserId)
{
    public static RowVerdictWire From(RowVerdict v) => new(v.Row.RowNumber, v.Row.Serial, v.Row.UserName, v.Row.Email,
        v.Row.Mobile, v.Row.Expiry, v.Row.Description, v.Valid,
        v.Errors.Select(e => new FieldError(e.ErrorCode, e.ErrorMsg, e.Field)).ToList(), v.UserId);
}

internal sealed record ImportPreviewWire(
    string ImportId, string ExpiresAt, int TotalCount, int ValidCount, int InvalidCount, IReadOnlyList<RowVerdictWire> Rows);

internal sealed record ImportResultWire(
    int CreatedCount, int FailedCount, IReadOnlyList<RowVerdictWire> Created, IReadOnlyList<RowVerdictWire> Failed);

/// <summary>Batch import of users from an .xlsx workbook: template, preview, confirm.</summary>
internal static class UserImportApi
{
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Room for the multipart framing around a workbook of up to 1 MB; the file itself is checked after.</summary>
    public const long MaxUploadBodyBytes = XlsxPackage.MaxUploadBytes + (256 * 1024);

    public static void MapUserImportApi(this RouteGroupBuilder project)
    {
        project.MapGet("/users/template", () =>
                Results.File(UserSheet.Template(), XlsxType, "deskpool-users-template.xlsx"))
            .WithName("DownloadUserTemplate");

        project.MapPost("/users/import", async (string projectId, HttpRequest http, UserImportService imports, CancellationToken ct) =>
        {
            var file = await ReadUploadAsync(http, ct);
            if (!file.Succeeded)
            {
                return ApiErrors.From(file.Failure, http.HttpContext);
            }

            return Reply.Json(await imports.PreviewAsync(projectId, file.Value, ct), preview => new ImportPreviewWire(
                preview.ImportId, ApiJson.Time(preview.ExpiresAt), preview.Rows.Count, preview.Rows.Count(r => r.Valid),
                preview.Rows.Count(r => !r.Valid), preview.Rows.Select(RowVerdictWire.From).ToList()), http.HttpContext);
        }).WithName("ImportUsers").DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBodyBytes));

        project.MapPost("/users/import/{importId}/confirm", async (
            string projectId, string importId, HttpContext http, UserImportService imports, CancellationToken ct) =>
            Reply.Json(await imports.ConfirmAsync(projectId, importId, ct), result => new ImportResultWire(result.Created.Count,
                result.Failed.Count, result.Created.Select(RowVerdictWire.From).ToList(),
                result.Failed.Select(RowVerdictWire.From).ToList()), http))
            .WithName("ConfirmUserImport");
    }

    /// <summary>
    /// Takes the workbook from a multipart form (field <c>file</c>) or as the raw body. What it is
    /// gets decided from its bytes later, never from its name or declared type.
    /// </summary>
    private static async Task<Outcome<byte[]>> ReadUploadAsync(HttpRequest http, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        if (http.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await http.ReadFormAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException && ex is not BadHttpRequestException)
            {
                // A form that does not parse (no boundary, cut off, bad section headers) is the
                // client's mistake; a form over the size limit stays a 413.
                return Failure.Invalid(ErrorCodes.MalformedBody, "file",
                    $"The upload is not a readable multipart form ({ex.Message.TrimEnd('.')}); send the workbook in the field 'file'.");
            }

            var upload = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
            if (upload is null)
            {
                return Failure.Invalid(ErrorCodes.FieldRequired, "file", "The form has no file; send the workbook in the field 'file'.");
            }

            if (upload.Length > XlsxPackage.MaxUploadBytes)
            {
                return Failure.Invalid(ErrorCodes.FieldOutOfRange, "file",
                    $"The file is {upload.Length / 1024} KB; uploads may be at most 1024 KB (1 MB).");
            }

            await upload.CopyToAsync(buffer, ct);
        }
        else
        {
            await http.Body.CopyToAsync(buffer, ct);
        }

        return buffer.ToArray();
    }
}
