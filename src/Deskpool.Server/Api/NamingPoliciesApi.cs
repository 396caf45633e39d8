using Deskpool.Core.Naming;

namespace Deskpool.Server.Api;

internal sealed record NamingPolicyWire(
    string PolicyId,
    string PolicyName,
    string NamePrefix,
    int DigitNumber,
    int StartNumber,
    int SingleDomainUserInc,
    bool IsDefaultPolicy,
    bool IsContainUser,
    bool PrefixTruncationEnabled)
{
    public static NamingPolicyWire From(NamingPolicy n) => new(n.Id, n.PolicyName, n.NamePrefix, n.DigitNumber,
        n.StartNumber, n.SingleDomainUserInc, n.IsDefaultPolicy, n.ContainsUser, n.PrefixTruncationEnabled);
}

internal sealed record NamingPolicyListResponse(int TotalCount, IReadOnlyList<NamingPolicyWire> DesktopNamePolicyInfos);

internal sealed record PolicyIdResponse(string PolicyId);

/// <summary>Desktop naming policies (name rules).</summary>
internal static class NamingPoliciesApi
{
    public static void MapNamingPoliciesApi(this RouteGroupBuilder project)
    {
        project.MapPost("/desktop-name-policies", (
            string projectId, HttpRequest http, NamingPolicyService policies, CancellationToken ct) =>
            Reply.WithBody<NamingPolicyRequest>(http, async request =>
                Reply.Json(await policies.CreateAsync(projectId, request, ct), p => new PolicyIdResponse(p.Id), http.HttpContext), ct))
            .WithName("CreateDesktopNamePolicy");

        project.MapGet("/desktop-name-policies", async (
            string projectId, HttpRequest http, NamingPolicyService policies, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var policyQuery = new NamingPolicyQuery(
                query.Bool("is_contain_user"),
                query.Text("policy_name", 30),
                query.Text("policy_id", 36),
                query.Int("offset", 0, 0, 10_000),
                query.Int("limit", 100, 0, 100) is var limit and > 0 ? limit : 100);
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            var (total, items) = await policies.ListAsync(projectId, policyQuery, ct);
            return Reply.Json(new NamingPolicyListResponse(total, items.Select(NamingPolicyWire.From).ToList()));
        }).WithName("ListDesktopNamePolicy");

        project.MapPut("/desktop-name-policies/{policyId}", (
            string projectId, string policyId, HttpRequest http, NamingPolicyService policies, CancellationToken ct) =>
            Reply.WithBody<NamingPolicyRequest>(http, async request =>
            {
                var updated = await policies.UpdateAsync(projectId, policyId, request, ct);
                return Reply.Done(updated.Failure, Results.NoContent(), http.HttpContext);
            }, ct))
            .WithName("UpdateDesktopNamePolicy");

        project.MapPost("/desktop-name-policies/batch-delete", (
            string projectId, HttpRequest http, NamingPolicyService policies, CancellationToken ct) =>
            Reply.WithBody<BatchDeleteNamingPoliciesRequest>(http, async request =>
                Reply.Done(await policies.DeleteAsync(projectId, request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("BatchDeleteDesktopNamePolicy");
    }
}
