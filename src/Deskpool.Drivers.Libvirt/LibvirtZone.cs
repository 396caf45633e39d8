using Deskpool.Core.Compute;
using Deskpool.Drivers.Libvirt.Interop;
using Microsoft.Extensions.Logging;

namespace Deskpool.Drivers.Libvirt;

/// <summary>
/// One zone's hypervisor: its settings, one shared connection (opened on first use and opened again
/// after it broke) and the gate that runs its blocking libvirt calls.
/// </summary>
/// <remarks>
/// Every libvirt call blocks its thread until the hypervisor answers, which for a clone of a large
/// image can take minutes. Calls therefore run on threads of their own (long-running tasks), never on
/// the thread pool that serves requests and the job runner, and at most
/// <see cref="LibvirtZoneOptions.MaxConcurrentCalls"/> at once per zone; callers queue for the gate
/// without holding a thread.
/// </remarks>
internal sealed partial class LibvirtZone : IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate;
    private readonly Lock _connectionLock = new();
    private LibvirtConnection? _connection;
    private (DateTimeOffset At, string Reason)? _lastOpenFailure;

    public LibvirtZone(string id, LibvirtZoneOptions options, TimeProvider time, ILogger logger)
    {
        Id = id;
        Options = options;
        _time = time;
        _logger = logger;
        _gate = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentCalls));
        DomainType = options.DomainType
            ?? (options.Uri.StartsWith("test:", StringComparison.OrdinalIgnoreCase) ? "test" : "kvm");
        DisplayPorts = DisplayPortRange.TryParse(options.DisplayPorts, out var ports) ? ports : null;
    }

    public string Id { get; }

    public LibvirtZoneOptions Options { get; }

    public string DomainType { get; }

    /// <summary>The fixed display ports of the zone's desktops; null where the hypervisor picks them.</summary>
    public DisplayPortRange? DisplayPorts { get; }

    /// <summary>
    /// Held while a display port is chosen and the domain that gets it defined, so two creates of this
    /// node never choose the same port.
    /// </summary>
    public Lock DisplayPortLock { get; } = new();

    /// <summary>
    /// Runs <paramref name="work"/> (a sequence of blocking libvirt calls) on a thread of its own with
    /// the zone's connection. A failure that is the connection's fault drops the connection, so the
    /// next call opens a new one, and becomes <see cref="ComputeDriverException.HostUnreachable"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<LibvirtConnection, T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Factory.StartNew(
                () => Run(work, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        lock (_connectionLock)
        {
            _connection?.Dispose();
            _connection = null;
        }

        _gate.Dispose();
    }

    private T Run<T>(Func<LibvirtConnection, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = Connection();
        try
        {
            return work(connection);
        }
        catch (LibvirtException ex) when (ex.Error.IsConnectionFailure || !connection.IsAlive)
        {
            Drop(connection);
            Log.ConnectionLost(_logger, Id, Options.Uri, ex.Error.Message);
            throw new ComputeDriverException(ComputeDriverException.HostUnreachable,
                $"The connection to the hypervisor of zone {Id} ({Options.Uri}) broke: {ex.Error.Message}");
        }
    }

    /// <summary>The open connection, or a new one when there is none or it broke.</summary>
    private LibvirtConnection Connection()
    {
        lock (_connectionLock)
        {
            if (_connection is { IsAlive: true } alive)
            {
                return alive;
            }

            if (_connection is not null)
            {
                Log.ConnectionLost(_logger, Id, Options.Uri, "libvirt reports it is no longer alive");
                _connection.Dispose();
                _connection = null;
            }

            // One attempt per delay: while a host is down, calls fail at once instead of each waiting
            // for its own connection attempt to time out.
            var now = _time.GetUtcNow();
            if (_lastOpenFailure is { } failure && now - failure.At < Options.ReconnectDelay)
            {
                throw Unreachable(failure.Reason);
            }

            try
            {
                _connection = LibvirtConnection.Open(Options.Uri);
                _lastOpenFailure = null;
                Log.Connected(_logger, Id, Options.Uri);
                return _connection;
            }
            catch (LibvirtException ex)
            {
                _lastOpenFailure = (now, ex.Error.Message);
                Log.ConnectFailed(_logger, Id, Options.Uri, ex.Error.Message);
                throw Unreachable(ex.Error.Message);
            }
            catch (DllNotFoundException)
            {
                throw new ComputeDriverException(ComputeDriverException.HostUnreachable,
                    $"Zone {Id} uses libvirt, but libvirt's library ({Native.Library}) is not installed on this " +
                    "Deskpool node (Debian and Ubuntu: apt-get install libvirt0).");
            }
        }
    }

    private ComputeDriverException Unreachable(string reason) =>
        new(ComputeDriverException.HostUnreachable,
            $"The hypervisor of zone {Id} ({Options.Uri}) cannot be reached: {reason}");

    private void Drop(LibvirtConnection connection)
    {
        lock (_connectionLock)
        {
            if (ReferenceEquals(_connection, connection))
            {
                _connection = null;
            }
        }

        // Calls still running on it keep it open until they return (the handle counts them).
        connection.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information,
            Message = "Connected to the hypervisor of zone {Zone} ({Uri})")]
        public static partial void Connected(ILogger logger, string zone, string uri);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning,
            Message = "Cannot connect to the hypervisor of zone {Zone} ({Uri}): {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string zone, string uri, string reason);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning,
            Message = "Lost the connection to the hypervisor of zone {Zone} ({Uri}): {Reason}")]
        public static partial void ConnectionLost(ILogger logger, string zone, string uri, string reason);
    }
}
