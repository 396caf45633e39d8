using Deskpool.Core.Desktops;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Jobs;

/// <summary>Turns a pool power action into one sub-job per desktop, settling at once what needs no work.</summary>
public static class DesktopActions
{
    public const string Start = "os-start";
    public const string Stop = "os-stop";
    public const string Reboot = "reboot";
    public const string Hibernate = "hibernate";

    public static readonly string[] OpTypes = [Start, Stop, Reboot, Hibernate];
    public static readonly string[] Modes = ["SOFT", "HARD"];

    public static SubJob Plan(Job job, Desktop desktop, string opType, string mode, DateTimeOffset now)
    {
        var (operation, transitional, target, acceptsFrom) = opType switch
        {
            Start => (DesktopOperation.Start, DesktopState.Starting, DesktopState.Running,
                new[] { DesktopState.Stopped, DesktopState.Hibernated }),
            Stop => (DesktopOperation.Stop, DesktopState.Stopping, DesktopState.Stopped, new[] { DesktopState.Running }),
            Reboot => (DesktopOperation.Reboot, DesktopState.Rebooting, DesktopState.Running, new[] { DesktopState.Running }),
            _ => (DesktopOperation.Hibernate, DesktopState.Hibernating, DesktopState.Hibernated,
                new[] { DesktopState.Running }),
        };
        var subJob = NewSubJob(job, desktop, operation, JobTypes.OperateDesktops, mode, now);

        if (desktop.State == target && operation != DesktopOperation.Reboot)
        {
            subJob.Status = SubJobStatus.Success;
            subJob.Progress = 100;
            subJob.EndAt = now;
        }
        else if (!acceptsFrom.Contains(desktop.State))
        {
            subJob.Status = SubJobStatus.Failed;
            subJob.ErrorCode = ErrorCodes.StateConflict;
            subJob.FailReason = $"Desktop {desktop.ComputerName} is {desktop.State.ToString().ToLowerInvariant()}; " +
                $"{opType} needs a desktop that is {string.Join(" or ", acceptsFrom.Select(s => s.ToString().ToLowerInvariant()))}.";
            subJob.EndAt = now;
        }
        else
        {
            desktop.MoveTo(transitional, now, opType);
        }

        return subJob;
    }

    public static SubJob NewSubJob(
        Job job, Desktop desktop, DesktopOperation operation, string jobType, string? argument, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        JobId = job.Id,
        ProjectId = job.ProjectId,
        JobType = jobType,
        DesktopId = desktop.Id,
        DesktopName = desktop.ComputerName,
        Operation = operation,
        Argument = argument,
        Status = SubJobStatus.Waiting,
        CreatedAt = now,
    };
}
