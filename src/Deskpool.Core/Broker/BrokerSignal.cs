using System.Collections.Concurrent;

namespace Deskpool.Core.Broker;

/// <summary>
/// Tells this node's autoscaler which pools changed (a bind, an unbind, a desktop that became
/// ready or failed), so it evaluates them at once instead of at its next periodic pass.
/// </summary>
public sealed class BrokerSignal : IDisposable
{
    private readonly ConcurrentDictionary<string, string> _pending = new();
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Changed(string poolId, string trigger)
    {
        _pending[poolId] = trigger;
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake; the pool is in the pending set.
        }
    }

    /// <summary>Takes the pools changed since the last call, with what changed them.</summary>
    public IReadOnlyList<(string PoolId, string Trigger)> Drain()
    {
        var taken = new List<(string, string)>();
        foreach (var poolId in _pending.Keys)
        {
            if (_pending.TryRemove(poolId, out var trigger))
            {
                taken.Add((poolId, trigger));
            }
        }

        return taken;
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}
