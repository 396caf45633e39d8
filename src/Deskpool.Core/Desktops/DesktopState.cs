namespace Deskpool.Core.Desktops;

/// <summary>The life of one desktop. <see cref="DesktopTransitions"/> says which moves are legal.</summary>
public enum DesktopState
{
    Creating,
    Running,
    Starting,
    Stopping,
    Stopped,
    Rebooting,
    Hibernating,
    Hibernated,
    Deleting,
    Deleted,
    Error,

    /// <summary>The system disk is being rebuilt from the image after a binding ended.</summary>
    Resetting,
}

public static class DesktopTransitions
{
    private static readonly Dictionary<DesktopState, DesktopState[]> Allowed = new()
    {
        [DesktopState.Creating] = [DesktopState.Running, DesktopState.Error, DesktopState.Deleting],
        [DesktopState.Running] =
        [
            DesktopState.Stopping, DesktopState.Rebooting, DesktopState.Hibernating, DesktopState.Deleting,
            DesktopState.Stopped, DesktopState.Error, DesktopState.Resetting,
        ],
        [DesktopState.Starting] = [DesktopState.Running, DesktopState.Error],
        [DesktopState.Stopping] = [DesktopState.Stopped, DesktopState.Error],
        [DesktopState.Stopped] =
            [DesktopState.Starting, DesktopState.Deleting, DesktopState.Running, DesktopState.Resetting],
        [DesktopState.Rebooting] = [DesktopState.Running, DesktopState.Error],
        [DesktopState.Hibernating] = [DesktopState.Hibernated, DesktopState.Error],
        [DesktopState.Hibernated] = [DesktopState.Starting, DesktopState.Deleting, DesktopState.Resetting],
        [DesktopState.Deleting] = [DesktopState.Deleted, DesktopState.Error],
        [DesktopState.Deleted] = [],
        [DesktopState.Error] =
            [DesktopState.Deleting, DesktopState.Starting, DesktopState.Running, DesktopState.Resetting],
        [DesktopState.Resetting] = [DesktopState.Running, DesktopState.Error],
    };

    public static bool CanMove(DesktopState from, DesktopState to) => Allowed[from].Contains(to);

    /// <summary>The nova-style <c>status</c> the wire shows for a state.</summary>
    public static string WireStatus(DesktopState state) => state switch
    {
        DesktopState.Creating => "BUILD",
        DesktopState.Running or DesktopState.Stopping or DesktopState.Rebooting
            or DesktopState.Hibernating or DesktopState.Deleting or DesktopState.Resetting => "ACTIVE",
        DesktopState.Starting or DesktopState.Stopped => "SHUTOFF",
        DesktopState.Hibernated => "HIBERNATED",
        DesktopState.Deleted => "DELETED",
        DesktopState.Error => "ERROR",
        _ => "UNKNOWN",
    };

    /// <summary>The <c>task_status</c> the wire shows while a state change is under way.</summary>
    public static string? WireTaskStatus(DesktopState state) => state switch
    {
        DesktopState.Creating => "spawning",
        DesktopState.Starting => "powering-on",
        DesktopState.Stopping => "powering-off",
        DesktopState.Rebooting => "rebooting",
        DesktopState.Hibernating => "hibernating",
        DesktopState.Deleting => "deleting",
        DesktopState.Resetting => "rebuilding",
        _ => null,
    };
}
