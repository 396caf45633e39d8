using Deskpool.Core.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Deskpool.Mail;

/// <summary>
/// The embedded default: each mail becomes <c>{mail id}.eml</c> in the outbox folder, a complete
/// MIME message any mail program opens. The file is written under a temporary name and renamed,
/// so a reader never sees half a message, and a second attempt replaces the first file.
/// </summary>
public sealed class FolderMailTransport : IMailTransport
{
    private readonly MailboxAddress _from;

    public FolderMailTransport(IOptions<MailFolderOptions> folder, IOptions<MailOptions> mail)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(mail);
        Directory = folder.Value.OutboxDirectory
            ?? throw new InvalidOperationException($"{MailFolderOptions.Section}:OutboxDirectory is not set.");
        _from = MimeMessages.ParseFrom(mail.Value.From);
    }

    public string Name => "folder";

    public string Directory { get; }

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var message = MimeMessages.Create(mail, _from);
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{mail.Id}.eml");
        var temporary = Path.Combine(Directory, $".{mail.Id}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(
                temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024, FileOptions.Asynchronous))
            {
                await message.WriteToAsync(MimeMessages.Format, stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
