using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Deskpool.Bench;

/// <summary>
/// One deskpool-server process on a free loopback port, with its own data folder and one seeded
/// project. Disposing it kills the process and deletes the folder.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string ProjectId = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    public const string AdminToken = "deskpool-bench-admin-token";

    private const int LogLinesKept = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private ServerProcess(Process process, string dataDirectory, Uri baseAddress)
    {
        _process = process;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the server and returns once it answers an authenticated request.</summary>
    public static async Task<ServerProcess> StartAsync(
        string serverDll, int desktopQuota, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "deskpool-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var baseAddress = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");

        var start = new ProcessStartInfo("dotnet")
        {
            // appsettings.json (with the catalogue) is read from the content root, the working directory.
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var inherited in start.Environment.Keys.Where(IsServerSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in Settings(dataDirectory, baseAddress, desktopQuota))
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, dataDirectory, baseAddress);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server's configuration, as environment variables (they override appsettings.json).</summary>
    public static Dictionary<string, string> Settings(string dataDirectory, Uri baseAddress, int desktopQuota) => new()
    {
        ["Urls"] = baseAddress.ToString().TrimEnd('/'),
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Deskpool__DataDirectory"] = dataDirectory,
        ["Deskpool__Tenancy__Projects__0__Id"] = ProjectId,
        ["Deskpool__Tenancy__Projects__0__Name"] = "bench",
        ["Deskpool__Tenancy__Projects__0__AdminToken"] = AdminToken,
        ["Deskpool__Tenancy__Projects__0__ServiceAuthorized"] = "true",
        ["Deskpool__Tenancy__Projects__0__DesktopQuota"] = desktopQuota.ToString(CultureInfo.InvariantCulture),
        ["Deskpool__Tenancy__Projects__0__CoreQuota"] = (desktopQuota * 16).ToString(CultureInfo.InvariantCulture),
        ["Deskpool__Tenancy__Projects__0__MemoryQuotaGb"] = (desktopQuota * 64).ToString(CultureInfo.InvariantCulture),
        ["Deskpool__Drivers__Simulated__BootTime"] = "00:00:00",
        ["Deskpool__Drivers__Simulated__OperationLatency"] = "00:00:00",

        // The benchmarks measure throughput from one address with one token; rate limits are off.
        ["Deskpool__Security__SignInPerAddress__PermitLimit"] = "0",
        ["Deskpool__Security__SignInPerUser__PermitLimit"] = "0",
        ["Deskpool__Security__AdminApiPerCredential__PermitLimit"] = "0",
    };

    /// <summary>The peak resident set size so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>The resident set size now (VmRSS), in bytes.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>CPU time the server has used so far, user and system.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public string LogTail() => string.Join(Environment.NewLine, _log);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }
        finally
        {
            _process.Dispose();
            DeleteDataDirectory();
        }
    }

    private static bool IsServerSetting(string name) =>
        name.StartsWith("Deskpool__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Urls", StringComparison.OrdinalIgnoreCase);

    private static int FreeLoopbackPort()
    {
        // The port is free now; the short gap until the server binds it is an accepted race.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", AdminToken);
        var probe = new Uri($"/v2/{ProjectId}/products", UriKind.Relative);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new BenchmarkFailedException(
                    $"the server exited with code {_process.ExitCode} while starting.{Environment.NewLine}{LogTail()}");
            }

            try
            {
                using var response = await client.GetAsync(probe, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new BenchmarkFailedException(
                    $"the server did not answer within 60 s.{Environment.NewLine}{LogTail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private long StatusKilobytes(string field)
    {
        // Lines look like "VmHWM:	  123456 kB".
        var line = File.ReadLines($"/proc/{_process.Id}/status")
                .FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
            ?? throw new BenchmarkFailedException($"/proc/{_process.Id}/status has no {field} line.");
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > LogLinesKept && _log.TryDequeue(out _))
        {
        }
    }

    private void DeleteDataDirectory()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"deskpool-bench: could not delete {DataDirectory}: {ex.Message}");
        }
    }
}
