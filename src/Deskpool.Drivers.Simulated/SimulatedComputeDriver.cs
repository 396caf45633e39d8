using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Deskpool.Core.Compute;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Deskpool.Drivers.Simulated;

/// <summary>
/// A compute back end that simulates machines. Like a real hypervisor it keeps its machines
/// across restarts of Deskpool (in its own SQLite file), so a retried create finds the machine
/// it already made instead of making a second one.
/// </summary>
public sealed class SimulatedComputeDriver : IComputeDriver, IDisposable
{
    private readonly SimulatedDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly string _connectionString;

    // The hypervisor file takes one writer at a time. Writers of this process queue here, without
    // holding a thread, instead of colliding inside SQLite: on SQLITE_BUSY Microsoft.Data.Sqlite
    // blocks its thread in 150 ms sleeps, which on a small machine stalls the whole thread pool.
    // The SQLite transactions stay the guard against writers in other processes.
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SimulatedComputeDriver(IOptions<SimulatedDriverOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var path = _options.StatePath ?? throw new InvalidOperationException("The simulated driver needs a StatePath.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60 }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS machines (
                id TEXT PRIMARY KEY,
                zone TEXT NOT NULL,
                image_id TEXT NOT NULL,
                power TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                create_requests INTEGER NOT NULL,
                ip TEXT,
                resets INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS machines_zone ON machines (zone);
            """);
        AddColumnIfMissing(connection, "ip", "TEXT");
        AddColumnIfMissing(connection, "resets", "INTEGER NOT NULL DEFAULT 0");
    }

    public string Name => "simulated";

    public async Task<MachineInfo> CreateAsync(MachineSpec spec, CancellationToken cancellationToken)
    {
        if (_options.FailingImageIds.Contains(spec.ImageId))
        {
            await Task.Delay(_options.OperationLatency, _time, cancellationToken);
            throw new ComputeDriverException(ComputeDriverException.ImageUnavailable,
                $"Image {spec.ImageId} could not be read by the hypervisor (simulated: the image is set to fail).");
        }

        // Keyed by computer name, so a seed fails the same desktops of a pool on every run.
        if (Fails(spec.ComputerName, "create"))
        {
            await Task.Delay(_options.OperationLatency, _time, cancellationToken);
            throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                $"The hypervisor failed to build {spec.ComputerName} (simulated failure, seed {_options.Seed}).");
        }

        var existing = await WriteAsync(() => Reserve(spec), cancellationToken);
        if (existing == "running")
        {
            return new MachineInfo(spec.DesktopId, spec.AvailabilityZone, MachinePowerState.Running);
        }

        await BootAsync(spec.ImageId, cancellationToken);
        await WriteAsync(() => SetPower(spec.DesktopId, "running"), cancellationToken);
        return new MachineInfo(spec.DesktopId, spec.AvailabilityZone, MachinePowerState.Running);
    }

    public Task<MachineInfo> StartAsync(MachineRef machine, CancellationToken cancellationToken) =>
        ChangePowerAsync(machine, "start", "running", cancellationToken);

    public Task<MachineInfo> StopAsync(MachineRef machine, bool hard, CancellationToken cancellationToken) =>
        ChangePowerAsync(machine, "stop", "stopped", cancellationToken);

    public Task<MachineInfo> RebootAsync(MachineRef machine, bool hard, CancellationToken cancellationToken) =>
        ChangePowerAsync(machine, "reboot", "running", cancellationToken);

    public Task<MachineInfo> HibernateAsync(MachineRef machine, CancellationToken cancellationToken) =>
        ChangePowerAsync(machine, "hibernate", "hibernated", cancellationToken);

    public async Task<MachineInfo> ResetAsync(MachineSpec spec, CancellationToken cancellationToken)
    {
        await Task.Delay(_options.OperationLatency, _time, cancellationToken);
        if (_options.FailingImageIds.Contains(spec.ImageId))
        {
            throw new ComputeDriverException(ComputeDriverException.ImageUnavailable,
                $"Image {spec.ImageId} could not be read by the hypervisor (simulated: the image is set to fail).");
        }

        if (Fails(spec.ComputerName, "reset"))
        {
            throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                $"The hypervisor failed to rebuild the system disk of {spec.ComputerName} (simulated failure).");
        }

        var found = await WriteAsync(() =>
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE machines SET power = 'building', image_id = $image, resets = resets + 1
                WHERE id = $id RETURNING id
                """;
            command.Parameters.AddWithValue("$id", spec.DesktopId);
            command.Parameters.AddWithValue("$image", spec.ImageId);
            return command.ExecuteScalar() is string;
        }, cancellationToken);
        if (!found)
        {
            throw new ComputeDriverException(ComputeDriverException.NoSuchMachine,
                $"The hypervisor has no machine for desktop {spec.ComputerName}.");
        }

        await BootAsync(spec.ImageId, cancellationToken);
        await WriteAsync(() => SetPower(spec.DesktopId, "running"), cancellationToken);
        return new MachineInfo(spec.DesktopId, spec.AvailabilityZone, MachinePowerState.Running);
    }

    public Task<ConsoleEndpoint> GetConsoleAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ip FROM machines WHERE id = $id";
        command.Parameters.AddWithValue("$id", machine.DesktopId);
        var ip = command.ExecuteScalar();
        if (ip is null)
        {
            throw new ComputeDriverException(ComputeDriverException.NoSuchMachine,
                $"The hypervisor has no machine for desktop {machine.ComputerName}.");
        }

        // A simulated desktop "listens" for RDP on its own address; nothing answers there.
        return Task.FromResult(new ConsoleEndpoint("RDP", ip as string ?? machine.ComputerName, 3389));
    }

    /// <summary>How many times the machine's system disk was rebuilt (for tests).</summary>
    public long Resets(string desktopId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT resets FROM machines WHERE id = $id";
        command.Parameters.AddWithValue("$id", desktopId);
        return command.ExecuteScalar() is long count ? count : 0;
    }

    public async Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var desktopId = machine.DesktopId;
        await Task.Delay(_options.OperationLatency, _time, cancellationToken);
        await WriteAsync(() =>
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM machines WHERE id = $id";
            command.Parameters.AddWithValue("$id", desktopId);
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<MachineInfo?> FindAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var desktopId = machine.DesktopId;
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT zone, power FROM machines WHERE id = $id";
        command.Parameters.AddWithValue("$id", desktopId);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read()
            ? new MachineInfo(desktopId, reader.GetString(0), ToPowerState(reader.GetString(1)))
            : null);
    }

    /// <summary>How many machines the simulated hypervisor holds (for tests and benchmarks).</summary>
    public long CountMachines()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM machines";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>How many times a create was asked for this machine (more than one means it was adopted on retry).</summary>
    public long CreateRequests(string desktopId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT create_requests FROM machines WHERE id = $id";
        command.Parameters.AddWithValue("$id", desktopId);
        return command.ExecuteScalar() is long count ? count : 0;
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// Records the machine, or finds the one made by an earlier attempt. The capacity check and
    /// the insert happen in one immediate transaction, so concurrent creates cannot overfill a zone.
    /// </summary>
    private string? Reserve(MachineSpec spec)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var find = connection.CreateCommand();
        find.CommandText = "SELECT power FROM machines WHERE id = $id";
        find.Parameters.AddWithValue("$id", spec.DesktopId);
        if (find.ExecuteScalar() is string power)
        {
            using var adopt = connection.CreateCommand();
            adopt.CommandText = "UPDATE machines SET create_requests = create_requests + 1 WHERE id = $id";
            adopt.Parameters.AddWithValue("$id", spec.DesktopId);
            adopt.ExecuteNonQuery();
            transaction.Commit();
            return power;
        }

        if (_options.ZoneCapacity.TryGetValue(spec.AvailabilityZone, out var capacity))
        {
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM machines WHERE zone = $zone";
            count.Parameters.AddWithValue("$zone", spec.AvailabilityZone);
            if ((long)count.ExecuteScalar()! >= capacity)
            {
                throw new ComputeDriverException(ComputeDriverException.InsufficientCapacity,
                    $"Insufficient capacity in availability zone {spec.AvailabilityZone}: " +
                    $"all {capacity} machine slots are in use.");
            }
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO machines (id, zone, image_id, power, created_at, create_requests, ip)
            VALUES ($id, $zone, $image, 'building', $now, 1, $ip)
            """;
        insert.Parameters.AddWithValue("$ip", spec.IpAddress);
        insert.Parameters.AddWithValue("$id", spec.DesktopId);
        insert.Parameters.AddWithValue("$zone", spec.AvailabilityZone);
        insert.Parameters.AddWithValue("$image", spec.ImageId);
        insert.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        transaction.Commit();
        return null;
    }

    /// <summary>Waits for the boot; a machine of a never-ready image waits until the caller gives up.</summary>
    private async Task BootAsync(string imageId, CancellationToken cancellationToken)
    {
        if (_options.NeverReadyImageIds.Contains(imageId))
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
        }

        await Task.Delay(_options.BootTime, _time, cancellationToken);
    }

    private async Task<MachineInfo> ChangePowerAsync(
        MachineRef machine, string operation, string power, CancellationToken cancellationToken)
    {
        var desktopId = machine.DesktopId;
        await Task.Delay(_options.OperationLatency, _time, cancellationToken);
        if (Fails(desktopId, operation))
        {
            throw new ComputeDriverException(ComputeDriverException.OperationFailed,
                $"The hypervisor failed to {operation} the machine (simulated failure, seed {_options.Seed}).");
        }

        var zone = await WriteAsync(() => SetPower(desktopId, power), cancellationToken)
            ?? throw new ComputeDriverException(
                ComputeDriverException.NoSuchMachine, $"The hypervisor has no machine for desktop {desktopId}.");
        return new MachineInfo(desktopId, zone, ToPowerState(power));
    }

    private async Task<T> WriteAsync<T>(Func<T> write, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return write();
        }
        finally
        {
            _writer.Release();
        }
    }

    private string? SetPower(string desktopId, string power)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE machines SET power = $power WHERE id = $id RETURNING zone";
        command.Parameters.AddWithValue("$id", desktopId);
        command.Parameters.AddWithValue("$power", power);
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Whether an operation fails: always when the operation is listed as failing, otherwise by a
    /// hash of seed, machine and operation compared with the rate.
    /// </summary>
    private bool Fails(string machineKey, string operation)
    {
        if (_options.FailingOperations.Contains(operation, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        if (_options.FailureRate <= 0)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Seed}:{machineKey}:{operation}"));
        var draw = BinaryPrimitives.ReadUInt64BigEndian(hash) / (double)ulong.MaxValue;
        return draw < _options.FailureRate;
    }

    private static MachinePowerState ToPowerState(string power) => power switch
    {
        "stopped" => MachinePowerState.Stopped,
        "hibernated" => MachinePowerState.Hibernated,
        _ => MachinePowerState.Running,
    };

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Brings a state file written by an older version up to date.</summary>
    private static void AddColumnIfMissing(SqliteConnection connection, string column, string type)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM pragma_table_info('machines') WHERE name = $name";
        check.Parameters.AddWithValue("$name", column);
        if ((long)check.ExecuteScalar()! == 0)
        {
            Execute(connection, $"ALTER TABLE machines ADD COLUMN {column} {type}");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
