using System.Text.Json;
using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Users.Import;

/// <summary>A stored preview: the rows read from an upload, waiting to be confirmed.</summary>
public sealed class UserImport
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string RowsJson { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; set; }
}

public sealed record RowError(string Field, string ErrorCode, string ErrorMsg);

public sealed record RowVerdict(SheetRow Row, bool Valid, IReadOnlyList<RowError> Errors, string? UserId = null);

public sealed record ImportPreview(string ImportId, DateTimeOffset ExpiresAt, IReadOnlyList<RowVerdict> Rows);

public sealed record ImportResult(IReadOnlyList<RowVerdict> Created, IReadOnlyList<RowVerdict> Failed);

/// <summary>
/// Batch import in two phases. The upload is read and every row judged by the same rules as any
/// other creation, and the preview stored; nothing is created. Confirming judges the stored rows
/// again (the project may have changed meanwhile) and creates the valid ones in one transaction.
/// Imported users activate themselves, so each needs an e-mail address.
/// </summary>
public sealed class UserImportService(DeskpoolDbContext db, UserService users, TimeProvider time)
{
    public static readonly TimeSpan PreviewLifetime = TimeSpan.FromHours(1);

    public async Task<Outcome<ImportPreview>> PreviewAsync(string projectId, byte[] file, CancellationToken cancellationToken)
    {
        var read = UserSheet.Read(file);
        if (!read.Succeeded)
        {
            return read.Failure;
        }

        var verdicts = await JudgeAsync(projectId, read.Value, cancellationToken);
        var now = time.GetUtcNow();
        var import = new UserImport
        {
            Id = Guid.CreateVersion7().ToString(),
            ProjectId = projectId,
            RowsJson = JsonSerializer.Serialize(read.Value),
            CreatedAt = now,
            ExpiresAt = now + PreviewLifetime,
        };
        db.UserImports.Add(import);
        await db.UserImports.Where(i => i.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new ImportPreview(import.Id, import.ExpiresAt, verdicts.Select(v => v.Verdict).ToList());
    }

    public async Task<Outcome<ImportResult>> ConfirmAsync(string projectId, string importId, CancellationToken cancellationToken)
    {
        var import = await db.UserImports.FirstOrDefaultAsync(i => i.ProjectId == projectId && i.Id == importId, cancellationToken);
        var now = time.GetUtcNow();
        if (import is null || import.ExpiresAt <= now)
        {
            return Failure.NotFound(ErrorCodes.ImportNotFound,
                $"Import {importId} does not exist or its preview expired (previews last {PreviewLifetime.TotalMinutes:0} minutes); upload the file again.");
        }

        if (import.ConfirmedAt is not null)
        {
            return Failure.Conflict(ErrorCodes.StateConflict, $"Import {importId} was already confirmed.");
        }

        var rows = JsonSerializer.Deserialize<List<SheetRow>>(import.RowsJson)!;
        var judged = await JudgeAsync(projectId, rows, cancellationToken);
        import.ConfirmedAt = now;
        var saveFailure = await users.SaveAsync(judged.Select(j => j.Draft).OfType<UserDraft>().ToList(), cancellationToken);
        if (saveFailure is not null)
        {
            return saveFailure;
        }

        var created = judged.Where(j => j.Verdict.Valid).Select(j => j.Verdict with { UserId = j.Draft!.User!.Id }).ToList();
        var failed = judged.Where(j => !j.Verdict.Valid).Select(j => j.Verdict).ToList();
        return new ImportResult(created, failed);
    }

    private async Task<List<(RowVerdict Verdict, UserDraft? Draft)>> JudgeAsync(
        string projectId, List<SheetRow> rows, CancellationToken cancellationToken)
    {
        var requests = rows.Select(r => new CreateUserRequest
        {
            UserName = r.UserName,
            UserEmail = r.Email,
            UserPhone = r.Mobile,
            AccountExpires = r.Expiry,
            Description = r.Description,
            ActiveType = ActiveTypes.User,
        }).ToList();
        var drafts = await users.CheckAsync(projectId, requests, _ => "", cancellationToken);
        return rows.Select((row, i) =>
        {
            var errors = row.CellProblems.Concat(drafts[i].Failures)
                .Select(f => new RowError(f.Field ?? "", f.Code, $"Row {row.RowNumber}: {f.Message.Replace("Row " + row.RowNumber + ", ", "", StringComparison.Ordinal)}"))
                .ToList();
            var valid = errors.Count == 0;
            return (new RowVerdict(row, valid, errors), valid ? drafts[i] : null);
        }).ToList();
    }
}
