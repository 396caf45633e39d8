using Deskpool.Core.Audit;
using Deskpool.Core.Broker;
using Deskpool.Core.Tenancy;

namespace Deskpool.Server.Api;

/// <summary>
/// Records every change asked of the API (every request but GET, HEAD and OPTIONS under
/// <c>/v2/{project_id}</c> and <c>/v2/end-user</c>) in the audit trail, just before the answer
/// starts, so the entry exists by the time the caller reads the answer. It keeps the route's name,
/// the ids in the path, who asked, from where and the result; never a body or a query string, so
/// passwords, tokens and tickets cannot reach the trail.
/// </summary>
internal static partial class AuditRecording
{
    private const string ErrorCodeKey = "deskpool.error-code";

    /// <summary>Remembers the error code of the answer, for the entry (set where failures become answers).</summary>
    public static void NoteErrorCode(HttpContext context, string code) => context.Items[ErrorCodeKey] = code;

    public static IApplicationBuilder UseAuditRecording(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsChange(context.Request))
        {
            context.Response.OnStarting(() => RecordAsync(context));
        }

        await next(context);
    });

    private static bool IsChange(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
        && request.Path.StartsWithSegments("/v2") && !request.Path.StartsWithSegments("/v2/desktop-agent");

    private static async Task RecordAsync(HttpContext context)
    {
        try
        {
            var entry = Entry(context);
            if (entry is null)
            {
                return;
            }

            // Written by the audit writer in its own database context (the request's may hold a
            // change that failed), grouped with the entries of other requests of the moment.
            var routeValues = context.Request.RouteValues;
            await context.RequestServices.GetRequiredService<AuditWriter>().WriteAsync(
                entry, routeValues["poolId"] as string, routeValues["userId"] as string, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogNotRecorded(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Deskpool.Audit"),
                ex, context.Request.Method, context.Request.Path);
        }
    }

    private static AuditEvent? Entry(HttpContext context)
    {
        var routeValues = context.Request.RouteValues;
        var note = context.RequestServices.GetRequiredService<AuditNote>();
        var credential = context.RequestServices.GetRequiredService<AccessScope>().Credential;
        var endUser = context.Items.TryGetValue(EndUserAccess.UserKey, out var signedIn) ? signedIn as EndUser : null;
        var projectId = routeValues["projectId"] as string ?? endUser?.ProjectId ?? note.ProjectId;
        if (string.IsNullOrEmpty(projectId) || projectId.Length > 64)
        {
            // Nothing to file it under (a sign-in naming no project): there is no project to read it in.
            return null;
        }

        var actor = credential is not null ? new AuditActor(AuditActorKind.Credential, credential.Id, credential.Name)
            : endUser is not null ? new AuditActor(AuditActorKind.EndUser, endUser.UserId, endUser.UserName)
            : note.Actor ?? AuditActor.Anonymous;
        if (actor.Kind == AuditActorKind.Anonymous && context.Response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            // A nameless caller past its limit: counted by the limiter, not written row by row.
            return null;
        }

        var targets = routeValues.Where(v => v.Key != "projectId" && v.Value is string)
            .Select(v => $"{v.Key}={Clip((string)v.Value!, 64)}").ToList();
        // Unknown here when the caller is not confined: the writer looks up the pool's or user's.
        var enterpriseProject = credential?.EnterpriseProjectId ?? note.EnterpriseProjectId;
        var status = context.Response.StatusCode;
        return new AuditEvent
        {
            ProjectId = projectId,
            At = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            Action = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                ?? Clip($"{context.Request.Method} {context.Request.Path}", 128),
            Targets = targets,
            EnterpriseProjectId = enterpriseProject,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Clip(context.Request.Headers.UserAgent.ToString(), AuditTrail.UserAgentLength) is { Length: > 0 } agent
                ? agent
                : null,
            StatusCode = status,
            Succeeded = status < 400,
            ErrorCode = context.Items.TryGetValue(ErrorCodeKey, out var code) ? code as string : null,
        };
    }

    private static string Clip(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Could not record {Method} {Path} in the audit trail")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string method, string path);
}
