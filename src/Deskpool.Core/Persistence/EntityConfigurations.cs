using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Naming;
using Deskpool.Core.Pools;
using Deskpool.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Deskpool.Core.Persistence;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("projects");
        builder.Property(p => p.Id).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(255);
    }
}

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<ApiCredential>
{
    public void Configure(EntityTypeBuilder<ApiCredential> builder)
    {
        builder.ToTable("api_credentials");
        builder.Property(c => c.Id).HasMaxLength(64);
        builder.Property(c => c.ProjectId).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(255);
        builder.Property(c => c.TokenDigest).HasMaxLength(64);
        builder.Property(c => c.EnterpriseProjectId).HasMaxLength(36);
        builder.HasIndex(c => c.TokenDigest).IsUnique();
        builder.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId);
    }
}

internal sealed class AccessKeyConfiguration : IEntityTypeConfiguration<Tenancy.AccessKeys.AccessKey>
{
    public void Configure(EntityTypeBuilder<Tenancy.AccessKeys.AccessKey> builder)
    {
        builder.ToTable("access_keys");
        builder.Property(k => k.Id).HasMaxLength(64);
        builder.Property(k => k.ProjectId).HasMaxLength(64);
        builder.Property(k => k.CredentialId).HasMaxLength(64);
        builder.Property(k => k.Name).HasMaxLength(64);
        builder.Property(k => k.SealedSecret).HasMaxLength(256);
        builder.HasIndex(k => new { k.ProjectId, k.CreatedAt });
        builder.HasOne<Project>().WithMany().HasForeignKey(k => k.ProjectId);

        // Deleting a credential takes its access keys with it.
        builder.HasOne<ApiCredential>().WithMany().HasForeignKey(k => k.CredentialId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PoolConfiguration : IEntityTypeConfiguration<Pool>
{
    public void Configure(EntityTypeBuilder<Pool> builder)
    {
        builder.ToTable("pools");
        builder.Property(p => p.Id).HasMaxLength(64);
        builder.Property(p => p.ProjectId).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(64);
        builder.Property(p => p.RootVolume).AsJson();
        builder.Property(p => p.DataVolumes).AsJson();
        builder.Property(p => p.SubnetIds).AsJson();
        builder.Property(p => p.SecurityGroupIds).AsJson();
        builder.Property(p => p.Tags).AsJson();
        builder.Property(p => p.AutoscalePolicy).AsJson();
        builder.Property(p => p.UserResetPolicy).AsJson();
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => new { p.ProjectId, p.Name }).IsUnique().HasFilter("\"DeletedAt\" IS NULL");
        builder.HasQueryFilter(QueryFilters.Live, p => p.DeletedAt == null);
        builder.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId);
    }
}

internal sealed class DesktopConfiguration : IEntityTypeConfiguration<Desktop>
{
    public void Configure(EntityTypeBuilder<Desktop> builder)
    {
        builder.ToTable("desktops");
        builder.Property(d => d.Id).HasMaxLength(64);
        builder.Property(d => d.ComputerName).HasMaxLength(15);
        builder.Property(d => d.IpAddress).HasMaxLength(45);
        builder.Property(d => d.MacAddress).HasMaxLength(17);
        builder.Property(d => d.FailReason).HasMaxLength(1000);
        builder.Property(d => d.State).HasField("<State>k__BackingField");
        builder.Property(d => d.StateChangedAt).HasField("<StateChangedAt>k__BackingField");
        builder.HasIndex(d => new { d.ProjectId, d.ComputerName }).IsUnique();
        builder.HasIndex(d => new { d.SubnetId, d.IpAddress }).IsUnique();
        builder.HasIndex(d => new { d.PoolId, d.State });
        builder.HasOne<Pool>().WithMany().HasForeignKey(d => d.PoolId);
        builder.HasMany(d => d.History).WithOne().HasForeignKey(h => h.DesktopId);
    }
}

internal sealed class DesktopStateChangeConfiguration : IEntityTypeConfiguration<DesktopStateChange>
{
    public void Configure(EntityTypeBuilder<DesktopStateChange> builder)
    {
        builder.ToTable("desktop_state_changes");
        builder.HasIndex(h => new { h.DesktopId, h.At });
        builder.HasIndex(h => h.At);
        builder.Property(h => h.Reason).HasMaxLength(1000);
    }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.Property(j => j.Id).HasMaxLength(64);
        builder.Property(j => j.JobType).HasMaxLength(55);
        builder.Property(j => j.FailReason).HasMaxLength(Job.MaxFailReasonLength);

        // Settling a job is conditional on the status it was read with, so of two nodes that
        // settle the same job at once exactly one saves, and the other's save changes nothing.
        builder.Property(j => j.Status).IsConcurrencyToken();
        builder.HasIndex(j => new { j.ProjectId, j.CreatedAt });
        builder.HasIndex(j => j.Status);
        builder.HasMany(j => j.SubJobs).WithOne().HasForeignKey(s => s.JobId);
    }
}

internal sealed class SubJobConfiguration : IEntityTypeConfiguration<SubJob>
{
    public void Configure(EntityTypeBuilder<SubJob> builder)
    {
        builder.ToTable("sub_jobs");
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.JobType).HasMaxLength(55);
        builder.Property(s => s.FailReason).HasMaxLength(1000);
        builder.Property(s => s.LeaseOwner).HasMaxLength(128);
        builder.Property(s => s.ClaimToken).HasMaxLength(64).IsConcurrencyToken();
        builder.HasIndex(s => new { s.Status, s.LeaseUntil });
        builder.HasIndex(s => s.ClaimToken);
        builder.HasIndex(s => s.DesktopId);
    }
}

internal sealed class NamingPolicyConfiguration : IEntityTypeConfiguration<NamingPolicy>
{
    public void Configure(EntityTypeBuilder<NamingPolicy> builder)
    {
        builder.ToTable("desktop_name_policies");
        builder.Property(n => n.Id).HasMaxLength(36);
        builder.Property(n => n.PolicyName).HasMaxLength(30);
        builder.Property(n => n.NamePrefix).HasMaxLength(100);
        builder.HasIndex(n => new { n.ProjectId, n.PolicyName }).IsUnique();
        builder.Ignore(n => n.ContainsUser);
    }
}

internal sealed class NameSequenceConfiguration : IEntityTypeConfiguration<NameSequence>
{
    public void Configure(EntityTypeBuilder<NameSequence> builder)
    {
        builder.ToTable("name_sequences");
        builder.HasKey(n => new { n.ProjectId, n.Prefix });
        builder.Property(n => n.Prefix).HasMaxLength(100);
        builder.Property(n => n.Version).IsConcurrencyToken();
    }
}

internal sealed class BindingConfiguration : IEntityTypeConfiguration<Broker.Binding>
{
    public void Configure(EntityTypeBuilder<Broker.Binding> builder)
    {
        builder.ToTable("bindings");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Version).IsConcurrencyToken();

        // The broker's two promises, kept by the database itself.
        builder.HasIndex(b => b.DesktopId).IsUnique();
        builder.HasIndex(b => new { b.PoolId, b.UserId }).IsUnique();
        builder.HasIndex(b => b.UserId);
        builder.HasIndex(b => b.ReleaseAt);
    }
}

internal sealed class EndUserSessionConfiguration : IEntityTypeConfiguration<Broker.EndUserSession>
{
    public void Configure(EntityTypeBuilder<Broker.EndUserSession> builder)
    {
        builder.ToTable("end_user_sessions");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.TokenDigest).IsUnique();
        builder.HasIndex(s => s.ExpiresAt);
        builder.HasIndex(s => s.UserId);
    }
}

internal sealed class DesktopAgentKeyConfiguration : IEntityTypeConfiguration<Broker.DesktopAgentKey>
{
    public void Configure(EntityTypeBuilder<Broker.DesktopAgentKey> builder)
    {
        builder.ToTable("desktop_agent_keys");
        builder.HasKey(k => k.DesktopId);
    }
}

internal sealed class PoolScalingConfiguration : IEntityTypeConfiguration<Broker.PoolScaling>
{
    public void Configure(EntityTypeBuilder<Broker.PoolScaling> builder)
    {
        builder.ToTable("pool_scaling");
        builder.HasKey(s => s.PoolId);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class ScalingDecisionConfiguration : IEntityTypeConfiguration<Broker.ScalingDecision>
{
    public void Configure(EntityTypeBuilder<Broker.ScalingDecision> builder)
    {
        builder.ToTable("scaling_decisions");
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.PoolId, d.Id });
    }
}

internal sealed class PoolEventConfiguration : IEntityTypeConfiguration<Events.PoolEvent>
{
    public void Configure(EntityTypeBuilder<Events.PoolEvent> builder)
    {
        builder.ToTable("pool_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Detail).HasMaxLength(1000);
        builder.HasIndex(e => new { e.PoolId, e.Id });
        builder.HasIndex(e => new { e.DesktopId, e.Id });
        builder.HasIndex(e => e.At);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<Audit.AuditEvent>
{
    public void Configure(EntityTypeBuilder<Audit.AuditEvent> builder)
    {
        builder.ToTable(Audit.AuditEvent.Table);
        builder.Property(e => e.ProjectId).HasMaxLength(64);
        builder.Property(e => e.ActorId).HasMaxLength(64);
        builder.Property(e => e.ActorName).HasMaxLength(255);
        builder.Property(e => e.Action).HasMaxLength(128);
        builder.Property(e => e.Targets).AsJson();
        builder.Property(e => e.EnterpriseProjectId).HasMaxLength(36);
        builder.Property(e => e.RemoteAddress).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(Audit.AuditTrail.UserAgentLength);
        builder.Property(e => e.ErrorCode).HasMaxLength(32);
        builder.HasIndex(e => new { e.ProjectId, e.At });
        builder.HasIndex(e => new { e.ProjectId, e.ActorId });
    }
}
