using Deskpool.Core.Mail;
using Deskpool.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Deskpool.Core.Persistence;

internal sealed class MailMessageConfiguration : IEntityTypeConfiguration<MailMessage>
{
    public void Configure(EntityTypeBuilder<MailMessage> builder)
    {
        builder.ToTable("mail_messages");
        builder.Property(m => m.Id).HasMaxLength(64);
        builder.Property(m => m.ProjectId).HasMaxLength(64);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(Outbox.MaxIdempotencyKeyLength);
        builder.Property(m => m.MessageId).HasMaxLength(255);
        builder.Property(m => m.To).HasMaxLength(Outbox.MaxAddressLength);
        builder.Property(m => m.Subject).HasMaxLength(Outbox.MaxSubjectLength);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.Property(m => m.LeaseOwner).HasMaxLength(128);
        builder.Property(m => m.ClaimToken).HasMaxLength(64).IsConcurrencyToken();

        // The same logical mail is never queued twice: the database refuses a second row with its key.
        builder.HasIndex(m => new { m.ProjectId, m.IdempotencyKey }).IsUnique();
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => m.ClaimToken);
        builder.HasIndex(m => new { m.ProjectId, m.CreatedAt });
        builder.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId);
    }
}
