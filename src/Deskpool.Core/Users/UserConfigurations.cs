using Deskpool.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Deskpool.Core.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.Property(u => u.Id).HasMaxLength(32);
        builder.Property(u => u.ProjectId).HasMaxLength(64);
        builder.Property(u => u.UserName).HasMaxLength(32);
        builder.Property(u => u.UserNameKey).HasMaxLength(32);
        builder.Property(u => u.Email).HasMaxLength(64);
        builder.Property(u => u.EmailKey).HasMaxLength(64);
        builder.Property(u => u.Phone).HasMaxLength(32);
        builder.Property(u => u.PasswordHash).HasMaxLength(256);
        builder.Property(u => u.Version).IsConcurrencyToken();
        builder.Ignore(u => u.IsActivated);
        builder.HasIndex(u => new { u.ProjectId, u.UserNameKey }).IsUnique();
        builder.HasIndex(u => new { u.ProjectId, u.EmailKey }).IsUnique();
        builder.HasOne<Tenancy.Project>().WithMany().HasForeignKey(u => u.ProjectId);
    }
}

internal sealed class ActivationTokenConfiguration : IEntityTypeConfiguration<ActivationToken>
{
    public void Configure(EntityTypeBuilder<ActivationToken> builder)
    {
        builder.ToTable("activation_tokens");
        builder.Property(t => t.TokenDigest).HasMaxLength(64);
        builder.Property(t => t.Purpose).HasMaxLength(32);
        builder.HasIndex(t => t.TokenDigest).IsUnique();
        builder.HasIndex(t => t.UserId);
    }
}

internal sealed class UserGroupConfiguration : IEntityTypeConfiguration<UserGroup>
{
    public void Configure(EntityTypeBuilder<UserGroup> builder)
    {
        builder.ToTable("user_groups");
        builder.Property(g => g.Id).HasMaxLength(32);
        builder.Property(g => g.Name).HasMaxLength(64);
        builder.Property(g => g.NameKey).HasMaxLength(64);
        builder.HasIndex(g => new { g.ProjectId, g.NameKey }).IsUnique();
    }
}

internal sealed class GroupMembershipConfiguration : IEntityTypeConfiguration<GroupMembership>
{
    public void Configure(EntityTypeBuilder<GroupMembership> builder)
    {
        builder.ToTable("group_memberships");
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasIndex(m => m.UserId);
    }
}

internal sealed class PoolAuthorizationConfiguration : IEntityTypeConfiguration<PoolAuthorization>
{
    public void Configure(EntityTypeBuilder<PoolAuthorization> builder)
    {
        builder.ToTable("pool_authorizations");
        builder.HasKey(a => new { a.PoolId, a.ObjectType, a.ObjectId });
        builder.Property(a => a.UserGroup).HasMaxLength(55);
        builder.HasIndex(a => new { a.ObjectType, a.ObjectId });
    }
}

internal sealed class UserImportConfiguration : IEntityTypeConfiguration<Import.UserImport>
{
    public void Configure(EntityTypeBuilder<Import.UserImport> builder)
    {
        builder.ToTable("user_imports");
        builder.Property(i => i.Id).HasMaxLength(64);
        builder.HasIndex(i => i.ExpiresAt);
    }
}
