using Deskpool.Core.Tenancy.AccessKeys;
using Deskpool.Core.Validation;
using Deskpool.Server.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Deskpool.Server.Api;

internal static partial class ApiSetup
{
    /// <summary>The largest request body the API reads; a larger one is answered 413 with WKS.0413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public const string TooLargeMessage = "The request body is larger than 1 MB.";

    public static IServiceCollection AddDeskpoolApi(this IServiceCollection services)
    {
        services.AddScoped<ProjectAccess>();
        services.AddScoped<RequestCredentials>();
        services.AddScoped<AccessKeyService>();
        services.AddDeskpoolRateLimits();
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return services;
    }

    public static WebApplication MapDeskpoolApi(this WebApplication app)
    {
        app.UseRequestIds();
        app.UseAuditRecording();
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (exception is BadHttpRequestException bad)
            {
                var tooLarge = bad.StatusCode == StatusCodes.Status413PayloadTooLarge;
                await ApiErrors.WriteAsync(context, bad.StatusCode,
                    tooLarge ? ErrorCodes.RequestTooLarge : ErrorCodes.MalformedBody,
                    tooLarge ? TooLargeMessage : $"The request could not be read: {bad.Message}");
                return;
            }

            LogUnhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Deskpool.Api"),
                exception, context.Request.Method, context.Request.Path);
            await ApiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
                $"Internal error; quote request id {RequestIds.Current(context)} when reporting it.");
        }));
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            if (context.Response.HasStarted || context.Response.ContentLength > 0)
            {
                return;
            }

            var (code, message) = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => (ErrorCodes.NoSuchRoute, "The API does not exist or has not been published."),
                StatusCodes.Status405MethodNotAllowed => (ErrorCodes.NoSuchRoute,
                    $"The API does not accept {context.Request.Method} on this path."),
                StatusCodes.Status413PayloadTooLarge => (ErrorCodes.RequestTooLarge, TooLargeMessage),
                _ => (ErrorCodes.MalformedBody, "The request could not be handled."),
            };
            await ApiErrors.WriteAsync(context, context.Response.StatusCode, code, message);
        });

        app.Use(RefuseTooLargeAsync);
        app.UseRateLimiter();
        var project = app.MapGroup("/v2/{projectId}").AddEndpointFilter<ProjectAccess>()
            .RequireRateLimiting(RateLimits.AdminApiPolicy);
        project.MapAccessKeysApi();
        project.MapPoolsApi();
        project.MapJobsApi();
        project.MapCatalogApi();
        project.MapNamingPoliciesApi();
        project.MapProjectApi();
        project.MapMailApi();
        project.MapUsersApi();
        project.MapUserImportApi();
        project.MapGroupsApi();
        project.MapAuthorizationApi();
        project.MapBrokerAdminApi();
        app.MapEndUserApi();
        app.MapDesktopAgentApi();
        app.MapActivationPage();
        project.MapCostsApi();
        project.MapEventsApi();
        project.MapAuditApi();
        return app;
    }

    /// <summary>
    /// The most a route reads: <see cref="MaxRequestBodyBytes"/>, or what its own request size limit
    /// says (the user import takes a workbook of up to 1 MB in a form).
    /// </summary>
    public static long BodyLimit(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxRequestBodyBytes;

    /// <summary>
    /// Answers 413 for a body over the limit: at once when its declared length says so, and when
    /// reading it finds so (chunked bodies), without logging a client's mistake as a server error.
    /// </summary>
    private static async Task RefuseTooLargeAsync(HttpContext context, RequestDelegate next)
    {
        var limit = BodyLimit(context);
        if (context.Request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = limit;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex)
            when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await WriteTooLargeAsync(context);
        }
    }

    private static Task WriteTooLargeAsync(HttpContext context)
    {
        var limit = BodyLimit(context);
        var message = limit == MaxRequestBodyBytes
            ? TooLargeMessage
            : $"The request body is larger than {limit / 1024} KB, the most this route reads.";
        return ApiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.RequestTooLarge, message);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string method, string path);
}
