using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Deskpool.Tests.Support;

/// <summary>
/// The server as a separate operating-system process, for what an in-process host cannot show:
/// being killed with SIGKILL and started again on the same data.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Add("X-Auth-Token", TestServer.TokenA);
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var process = Process.Start(StartInfo(dataDirectory, settings, port, ""))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilServingAsync();
        return server;
    }

    /// <summary>
    /// Runs <c>deskpool-server</c> with <paramref name="arguments"/> (say, <c>migrate</c>) or without, stops it
    /// if it is still running after <paramref name="timeout"/>, and returns its exit code and what it printed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string dataDirectory, IReadOnlyDictionary<string, string?> settings, string arguments, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(dataDirectory, settings, FreePort(), arguments))!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output)
            {
                Assert.Fail($"deskpool-server {arguments} did not exit within {timeout}: {output}");
            }
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static ProcessStartInfo StartInfo(
        string dataDirectory, IReadOnlyDictionary<string, string?> settings, int port, string arguments)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "deskpool-server.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{serverDll}\" {arguments}")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in TestServer.Settings(dataDirectory, settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        return start;
    }

    /// <summary>Ends the process the hard way: no shutdown hooks, no flushing, as in a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await Client.GetAsync(new Uri($"/v2/{TestServer.ProjectA}/products", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The server process did not start serving (exited: {_process.HasExited}).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
