using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Naming;
using Deskpool.Core.Networking;

namespace Deskpool.Tests.Core;

public sealed class Ipv4SubnetTests
{
    [Theory]
    [InlineData("10.0.0.0/24", 252)]
    [InlineData("10.0.0.0/29", 4)]
    [InlineData("10.20.16.0/20", 4092)]
    public void UsableCount_LeavesNetworkGatewayDhcpAndBroadcastOut(string cidr, long usable)
    {
        Assert.True(Ipv4Subnet.TryParse(cidr, out var subnet));

        Assert.Equal(usable, subnet.UsableCount);
        Assert.Equal(usable, subnet.FreeAddresses(new HashSet<string>()).LongCount());
    }

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/30")]
    [InlineData("fe80::/64")]
    [InlineData("ten.0.0.0/24")]
    [InlineData(null)]
    public void TryParse_RefusesWhatIsNotAnUsableIpv4Subnet(string? cidr) => Assert.False(Ipv4Subnet.TryParse(cidr, out _));

    [Fact]
    public void FreeAddresses_SkipsTakenOnes_InOrder()
    {
        var subnet = Parse("192.168.1.0/29");

        var free = subnet.FreeAddresses(new HashSet<string> { "192.168.1.4" }).ToList();

        Assert.Equal(["192.168.1.3", "192.168.1.5", "192.168.1.6"], free);
    }

    [Fact]
    public void Contains_TellsWhetherASubnetLiesInsideAnother()
    {
        var vpc = Parse("10.20.0.0/16");
        var inside = Parse("10.20.3.0/24");
        var outside = Parse("10.21.3.0/24");

        Assert.True(vpc.Contains(inside));
        Assert.False(vpc.Contains(outside));
    }

    private static Ipv4Subnet Parse(string cidr)
    {
        Assert.True(Ipv4Subnet.TryParse(cidr, out var subnet));
        return subnet;
    }
}

public sealed class ComputerNamesTests
{
    [Theory]
    [InlineData("FIN-", 7, 3, false, "FIN-007")]
    [InlineData("FIN-", 999, 3, false, "FIN-999")]
    [InlineData("FIN-", 1000, 3, false, null)]
    [InlineData("ABCDEFGHIJKLMN", 1, 2, false, null)]
    [InlineData("ABCDEFGHIJKLMN", 1, 2, true, "ABCDEFGHIJKLM01")]
    public void Format_PadsTheCounter_AndKeepsFifteenCharacters(
        string prefix, long number, int digits, bool truncate, string? expected) =>
        Assert.Equal(expected, ComputerNames.Format(prefix, number, digits, truncate));

    [Theory]
    [InlineData("finance-pool", "finance-po")]
    [InlineData("财务-pool", "pool")]
    [InlineData("--a", "a")]
    [InlineData("财务", "desktop")]
    public void DefaultPrefix_UsesTheAsciiPartOfThePoolName(string pool, string prefix) =>
        Assert.Equal(prefix, ComputerNames.DefaultPrefix(pool));
}

public sealed class DesktopTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MoveTo_RecordsEveryChange_WithItsInstant()
    {
        var desktop = Plan();

        desktop.MoveTo(DesktopState.Running, Now.AddSeconds(30));
        desktop.MoveTo(DesktopState.Stopping, Now.AddSeconds(60), "os-stop");

        Assert.Equal(DesktopState.Stopping, desktop.State);
        Assert.Equal([null, DesktopState.Creating, DesktopState.Running], desktop.History.Select(h => h.From));
        Assert.Equal(Now.AddSeconds(60), desktop.StateChangedAt);
    }

    [Theory]
    [InlineData(DesktopState.Stopped)]
    [InlineData(DesktopState.Hibernating)]
    [InlineData(DesktopState.Deleted)]
    public void MoveTo_RefusesAnIllegalMove(DesktopState illegal)
    {
        var desktop = Plan();

        Assert.Throws<InvalidOperationException>(() => desktop.MoveTo(illegal, Now));
        Assert.Equal(DesktopState.Creating, desktop.State);
    }

    [Fact]
    public void Deleted_ReleasesTheAddress()
    {
        var desktop = Plan();
        desktop.MoveTo(DesktopState.Running, Now);
        desktop.MoveTo(DesktopState.Deleting, Now);

        desktop.MoveTo(DesktopState.Deleted, Now);

        Assert.Null(desktop.IpAddress);
    }

    [Theory]
    [InlineData(DesktopState.Creating, "BUILD")]
    [InlineData(DesktopState.Running, "ACTIVE")]
    [InlineData(DesktopState.Stopped, "SHUTOFF")]
    [InlineData(DesktopState.Hibernated, "HIBERNATED")]
    [InlineData(DesktopState.Error, "ERROR")]
    public void WireStatus_FollowsTheContract(DesktopState state, string wire) =>
        Assert.Equal(wire, DesktopTransitions.WireStatus(state));

    private static Desktop Plan() =>
        Desktop.Plan("d1", "p", "pool", "PC-001", "az", "subnet", "10.0.0.3", "fa:16:3e:00:00:01", Now);
}

public sealed class JobOutcomeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Settle_AllSucceeded_IsSuccess()
    {
        var job = Job(SubJobStatus.Success, SubJobStatus.Success);

        JobOutcome.Settle(job, Now);

        Assert.Equal(JobStatus.Success, job.Status);
        Assert.Null(job.FailReason);
    }

    [Fact]
    public void Settle_AnyFailed_IsFail_WithCountAndCauses()
    {
        var job = Job(SubJobStatus.Success, SubJobStatus.Failed, SubJobStatus.Failed);

        JobOutcome.Settle(job, Now);

        Assert.Equal(JobStatus.Fail, job.Status);
        Assert.Equal(2, job.FailedCount);
        Assert.Equal(1, job.SucceededCount);
        Assert.Equal("2 of 3 desktop(s) failed: PC-1: cause 1; PC-2: cause 2", job.FailReason);
        Assert.Equal("E1", job.ErrorCode);
    }

    [Fact]
    public void Settle_ManyFailures_QuotesTheFirstFive()
    {
        var job = Job(Enumerable.Repeat(SubJobStatus.Failed, 8).ToArray());

        JobOutcome.Settle(job, Now);

        Assert.EndsWith("and 3 more (see sub-jobs)", job.FailReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_LongCauses_SummaryFitsTheColumn()
    {
        var job = Job(Enumerable.Repeat(SubJobStatus.Failed, 8).ToArray());
        foreach (var subJob in job.SubJobs)
        {
            subJob.FailReason = new string('x', 999) + "…";
        }

        JobOutcome.Settle(job, Now);

        Assert.Equal(Deskpool.Core.Jobs.Job.MaxFailReasonLength, job.FailReason!.Length);
        Assert.StartsWith("8 of 8 desktop(s) failed: PC-0: xxx", job.FailReason, StringComparison.Ordinal);
        Assert.EndsWith("…", job.FailReason, StringComparison.Ordinal);
    }

    private static Job Job(params SubJobStatus[] statuses)
    {
        var job = new Job { Id = "j", ProjectId = "p", JobType = JobTypes.CreateDesktopPool, SubJobsTotal = statuses.Length };
        job.SubJobs.AddRange(statuses.Select((status, i) => new SubJob
        {
            Id = $"s{i}",
            JobId = "j",
            ProjectId = "p",
            JobType = JobTypes.CreateDesktops,
            DesktopId = $"d{i}",
            DesktopName = $"PC-{i}",
            Operation = DesktopOperation.Create,
            Status = status,
            ErrorCode = status == SubJobStatus.Failed ? $"E{i}" : null,
            FailReason = status == SubJobStatus.Failed ? $"cause {i}" : null,
        }));
        return job;
    }
}
