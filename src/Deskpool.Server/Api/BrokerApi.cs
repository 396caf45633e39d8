using Deskpool.Core.Broker;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

internal sealed record AgentKeyResponse(string DesktopId, string AgentKey);

internal sealed record AgentEventResponse(string? UserId, string? UserName, string? SessionState);

internal sealed record BindingWire(string DesktopId, string UserId, string UserName, string SessionState, string BoundAt, string? ReleaseAt);

internal sealed record ScalingStateWire(
    bool Degraded,
    string? DegradedReason,
    string? DegradedAt,
    int ConsecutiveFailures,
    string? PausedUntil);

internal sealed record ScalingDecisionWire(
    long Id,
    string At,
    string Trigger,
    string AutoscaleType,
    int Idle,
    int Creating,
    int AutoCreated,
    int? Threshold,
    int? Batch,
    int Maximum,
    int QuotaRemaining,
    int Created,
    string Reason,
    string? JobId);

internal sealed record ScalingDecisionsResponse(ScalingStateWire Scaling, int TotalCount, IReadOnlyList<ScalingDecisionWire> Decisions);

/// <summary>
/// The broker's administrator routes (assign and unassign desktops, agent keys, scaling state and
/// decisions) and the desktop-side session API that agents and gateways report to.
/// </summary>
internal static class BrokerApi
{
    public const string AgentKeyHeader = "X-Agent-Key";

    public static void MapBrokerAdminApi(this RouteGroupBuilder project)
    {
        project.MapPost("/desktop-pools/{poolId}/desktops/{desktopId}/assign", (
                string projectId, string poolId, string desktopId, HttpRequest http, Bindings bindings, CancellationToken ct) =>
            Reply.WithBody<AssignRequest>(http, async request =>
                Reply.Json(await bindings.AssignAsync(projectId, poolId, desktopId, request, ct), Wire, http.HttpContext), ct))
            .WithName("AssignDesktop");

        project.MapPost("/desktop-pools/{poolId}/desktops/{desktopId}/unassign", async (
            string projectId, string poolId, string desktopId, HttpRequest http, Bindings bindings, CancellationToken ct) =>
        {
            // The body is optional here: no body means the defaults.
            var request = new UnassignRequest(null);
            if (http.ContentLength > 0 || http.Headers.TransferEncoding.Count > 0)
            {
                var body = await Body.ReadAsync<UnassignRequest>(http, ct);
                if (!body.Succeeded)
                {
                    return ApiErrors.From(body.Failure, http.HttpContext);
                }

                request = body.Value;
            }

            return Reply.Done(await bindings.UnassignAsync(projectId, poolId, desktopId, request, ct),
                Results.NoContent(), http.HttpContext);
        }).WithName("UnassignDesktop");

        project.MapPost("/desktops/{desktopId}/agent-key", async (
            string projectId, string desktopId, HttpContext http, DesktopAgents agents, CancellationToken ct) =>
            Reply.Json(await agents.IssueKeyAsync(projectId, desktopId, ct), key => new AgentKeyResponse(desktopId, key), http))
            .WithName("IssueDesktopAgentKey");

        project.MapGet("/desktop-pools/{poolId}/scaling-decisions", async (
            string projectId, string poolId, HttpRequest http, Autoscaler scaler, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var offset = query.Int("offset", 0, 0, 10_000);
            var limit = query.Int("limit", 10, 1, 100);
            if (query.Failure is { } failure)
            {
                return ApiErrors.From(failure, http.HttpContext);
            }

            return Reply.Json(await scaler.DecisionsAsync(projectId, poolId, offset, limit, ct), view => new ScalingDecisionsResponse(
                new ScalingStateWire(
                    view.Scaling.DegradedReason is not null,
                    view.Scaling.DegradedReason,
                    view.Scaling.DegradedAt is { } degradedAt ? ApiJson.Time(degradedAt) : null,
                    view.Scaling.ConsecutiveFailures,
                    view.Scaling.PausedUntil is { } paused ? ApiJson.Time(paused) : null),
                view.Total,
                view.Decisions.Select(d => new ScalingDecisionWire(d.Id, ApiJson.Time(d.At), d.Trigger, d.AutoscaleType,
                    d.Idle, d.Creating, d.AutoCreated, d.Threshold, d.Batch, d.Maximum, d.QuotaRemaining, d.Created,
                    d.Reason, d.JobId)).ToList()), http.HttpContext);
        }).WithName("ListScalingDecisions");

        project.MapPost("/desktop-pools/{poolId}/scaling/resume", async (
                string projectId, string poolId, HttpContext http, Autoscaler scaler, CancellationToken ct) =>
            Reply.Done(await scaler.ResumeAsync(projectId, poolId, ct), Results.NoContent(), http))
            .WithName("ResumeScaling");
    }

    public static void MapDesktopAgentApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/desktop-agent/{desktopId}/events", async (
            string desktopId, HttpRequest http, DesktopAgents agents, Bindings bindings, CancellationToken ct) =>
        {
            var key = http.Headers[AgentKeyHeader].ToString();
            var desktop = key.Length is 0 or > 256 ? null : await agents.AuthenticateAsync(desktopId, key, ct);
            if (desktop is null)
            {
                return ApiErrors.From(new Failure(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
                    key.Length == 0
                        ? $"The desktop agent must send its key in the {AgentKeyHeader} header."
                        : $"The key in {AgentKeyHeader} is not the current key of desktop {desktopId} (keys are per " +
                            "desktop, and issuing a new one revokes the old)."), http.HttpContext);
            }

            var body = await Body.ReadAsync<AgentEventRequest>(http, ct);
            if (!body.Succeeded)
            {
                return ApiErrors.From(body.Failure, http.HttpContext);
            }

            var outcome = await bindings.AgentEventAsync(desktop, body.Value, ct);
            return Reply.Json(outcome, b => new AgentEventResponse(b?.UserId, b?.UserName,
                b?.State.ToString().ToUpperInvariant()), http.HttpContext);
        }).WithName("ReportDesktopSessionEvent");
    }

    private static BindingWire Wire(Binding b) => new(b.DesktopId, b.UserId, b.UserName,
        b.State.ToString().ToUpperInvariant(), ApiJson.Time(b.BoundAt), b.ReleaseAt is { } r ? ApiJson.Time(r) : null);
}
