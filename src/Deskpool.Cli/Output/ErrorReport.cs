using Deskpool.Cli.Api;

namespace Deskpool.Cli.Output;

/// <summary>Prints the API's error body the way a person reads it: the message first, then the facts.</summary>
internal static class ErrorReport
{
    public static void Write(TextWriter err, ApiException e)
    {
        var error = e.Error;
        err.WriteLine($"Error: {error.ErrorMsg ?? e.Message}");
        err.WriteLine($"  status:     {e.Status}");
        if (error.ErrorCode is not null)
        {
            err.WriteLine($"  error_code: {error.ErrorCode}");
        }

        if (error.Field is not null)
        {
            err.WriteLine($"  field:      {error.Field}");
        }

        if (error.RequestId is not null)
        {
            err.WriteLine($"  request_id: {error.RequestId}");
        }

        foreach (var other in (error.Errors ?? []).Skip(1))
        {
            err.WriteLine($"  also: {other.ErrorCode} {other.Field}: {other.ErrorMsg}");
        }
    }
}
