namespace Deskpool.Cli;

/// <summary>The exit codes scripts can rely on; the README lists them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Validation = 3;
    public const int NotFound = 4;
    public const int Conflict = 5;
    public const int Auth = 6;
    public const int Unreachable = 7;
    public const int ServerError = 8;

    public static int ForStatus(int status) => status switch
    {
        400 or 413 or 422 => Validation,
        404 => NotFound,
        409 => Conflict,
        401 or 403 => Auth,
        >= 500 => ServerError,
        _ => Failed,
    };
}

/// <summary>A failure that ends the command with a message and an exit code, without a stack trace.</summary>
internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
