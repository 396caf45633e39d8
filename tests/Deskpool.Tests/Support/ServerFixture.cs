using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Support;

/// <summary>
/// One <see cref="TestServer"/> shared by the tests of a class (through <c>IClassFixture</c>), for
/// tests that do not interfere with each other: each names its pools and policies uniquely.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private static int _counter;

    public TestServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    /// <summary>Extra settings the server starts with; none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>A name no other test of the run uses: the stem, a dash and a number.</summary>
    public static string Unique(string stem) => $"{stem}-{Interlocked.Increment(ref _counter)}";

    /// <summary>Services the server starts with added or replaced; none by default.</summary>
    protected virtual Action<IServiceCollection>? Services => null;

    public virtual async Task InitializeAsync() => Server = await TestServer.StartAsync(Settings, services: Services);

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();
}
