using Microsoft.AspNetCore.Components;

namespace Deskpool.WebConsole.Components.Shared;

/// <summary>
/// A page that shows state the workers change (pools, jobs, desktops): it reads it again every second
/// and a half while it is open, so progress appears without a reload.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1500);
    private readonly CancellationTokenSource _closed = new();

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
                await InvokeAsync(async () =>
                {
                    await RefreshAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}
