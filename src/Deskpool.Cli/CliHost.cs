namespace Deskpool.Cli;

/// <summary>
/// What the client needs from the outside world: its streams, terminal facts, environment and HTTP
/// handler. Tests give their own; <see cref="Program"/> gives the process's.
/// </summary>
internal sealed record CliHost(
    TextWriter Out,
    TextWriter Err,
    TextReader In,
    bool OutputIsTerminal,
    bool InputIsTerminal,
    Func<string, string?> Environment,
    HttpMessageHandler? Handler = null)
{
    public static CliHost ForProcess() => new(
        Console.Out,
        Console.Error,
        Console.In,
        !Console.IsOutputRedirected,
        !Console.IsInputRedirected,
        System.Environment.GetEnvironmentVariable);
}
