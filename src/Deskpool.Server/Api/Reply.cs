using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>Small helpers that keep the endpoint handlers to their one line of work.</summary>
internal static class Reply
{
    public static IResult Json(object body) => Results.Json(body, ApiJson.Options);

    public static IResult Json<T>(Outcome<T> outcome, Func<T, object> shape, HttpContext http) =>
        outcome.Succeeded ? Results.Json(shape(outcome.Value), ApiJson.Options) : ApiErrors.From(outcome.Failure, http);

    public static IResult Done(Failure? failure, IResult success, HttpContext http) =>
        failure is null ? success : ApiErrors.From(failure, http);

    /// <summary>Reads the JSON body and hands it on, or answers with why it could not be read.</summary>
    public static async Task<IResult> WithBody<T>(HttpRequest request, Func<T, Task<IResult>> handle, CancellationToken ct)
        where T : class
    {
        var body = await Body.ReadAsync<T>(request, ct);
        return body.Succeeded ? await handle(body.Value) : ApiErrors.From(body.Failure, request.HttpContext);
    }
}
