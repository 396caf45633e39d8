using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;

namespace Deskpool.WebConsole.Components.Shared;

/// <summary>
/// A page that shows state the workers change (pools, jobs, desktops): it reads it again every second
/// and a half while it is open, so progress appears without a reload.
/// </summary>
public abstract partial class LivePage : ComponentBase, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1500);
    private readonly CancellationTokenSource _closed = new();

    [Inject]
    private ILogger<LivePage> Logger { get; set; } = null!;

    protected abstract Task RefreshAsync();

    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        _ = PollAsync(_closed.Token);
    }

    private async Task PollAsync(CancellationToken closed)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(closed))
            {
                try
                {
                    await InvokeAsync(async () =>
                    {
                        await RefreshAsync();
                        StateHasChanged();
                    });
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed reading (a database busy for a moment) must not stop the page from updating.
                    LogRefreshFailed(Logger, ex, GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "The console page {Page} could not refresh")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string page);

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}
