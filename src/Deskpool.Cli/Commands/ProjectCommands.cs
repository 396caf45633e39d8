using System.CommandLine;
using Deskpool.Cli.Api;
using Deskpool.Cli.Output;

namespace Deskpool.Cli.Commands;

/// <summary>Jobs, the catalogue, quotas and the first-use grant.</summary>
internal static class ProjectCommands
{
    public static Command Jobs(CommandKit kit)
    {
        var showJob = new Argument<string>("job") { Description = "Job id" };
        var show = kit.Verb("show", "Show a job and its failed desktops", async (s, p, ct) =>
        {
            var raw = await s.Api.GetAsync($"workspace-jobs/{Lookup.Q(p.GetValue(showJob)!)}", ct);
            s.Printer.Data(raw, () =>
            {
                var job = ApiClient.As<Job>(raw);
                var failed = (job.SubJobs ?? []).Where(j => j.Status == "FAILED")
                    .Select(j => $"{j.DesktopName}: {j.ErrorCode} {j.FailReason}");
                return Printer.Details(
                    ("id", job.Id), ("type", job.JobType), ("status", job.Status), ("result", job.Result),
                    ("progress",
                        $"{job.Process}% ({job.SuccessNum} succeeded, {job.FailNum} failed, {job.PendingNum} pending)"),
                    ("pool", job.DesktopPoolId), ("began", job.BeginTime), ("ended", job.EndTime),
                    ("fail reason", job.FailReason), ("failed desktops", string.Join("\n", failed)));
            });
            return ExitCodes.Success;
        }, showJob);

        var watchJob = new Argument<string>("job") { Description = "Job id" };
        var watch = kit.Verb("watch", "Follow a job to its end (exit 1 when it ends FAIL)",
            (s, p, ct) => JobWatcher.WatchAsync(s, p.GetValue(watchJob)!, ct), watchJob);
        return CommandKit.Group("jobs", "Asynchronous jobs", show, watch);
    }

    public static Command Products(CommandKit kit)
    {
        var os = new Option<string?>("--os") { Description = "Only packages for this OS (Windows, Linux)" };
        var list = kit.Verb("list", "List the packages that can be bought", async (s, p, ct) =>
        {
            var filter = p.GetValue(os) is { } o ? $"&os_type={Lookup.Q(o)}" : "";
            var raw = await s.Api.GetAsync($"products?limit=100{filter}", ct);
            s.Printer.Data(raw, () =>
            {
                var table = Printer.NewTable("PRODUCT ID", "TYPE", "ARCH", "VCPUS", "MEMORY MB", "PACKAGE", "OS");
                foreach (var x in ApiClient.As<ProductList>(raw).Products)
                {
                    Printer.Row(table, x.ProductId, x.Type, x.Architecture, x.Cpu, x.Memory, x.PackageType,
                        string.Join(", ", x.OsTypes ?? []));
                }

                return table;
            });
            return ExitCodes.Success;
        }, os);
        return CommandKit.Group("products", "Desktop packages", list);
    }

    public static Command Images(CommandKit kit)
    {
        var os = new Option<string?>("--os") { Description = "Only images of this OS (Windows, Linux)" };
        var list = kit.Verb("list", "List the images desktops can run", async (s, p, ct) =>
        {
            var filter = p.GetValue(os) is { } o ? $"&os_type={Lookup.Q(o)}" : "";
            var raw = await s.Api.GetAsync($"images?limit=100{filter}", ct);
            s.Printer.Data(raw, () =>
            {
                var table = Printer.NewTable("ID", "NAME", "TYPE", "OS", "VERSION", "MIN DISK GB");
                foreach (var i in ApiClient.As<ImageList>(raw).Images)
                {
                    Printer.Row(table, i.Id, i.Name, i.ImageType, i.OsType, i.OsVersion, i.MinDisk.ToString());
                }

                return table;
            });
            return ExitCodes.Success;
        }, os);
        return CommandKit.Group("images", "Desktop images", list);
    }

    public static Command Quotas(CommandKit kit) => kit.Verb("quotas", "Show the project's quotas", async (s, _, ct) =>
    {
        var raw = await s.Api.GetAsync("quotas", ct);
        s.Printer.Data(raw, () =>
        {
            var table = Printer.NewTable("RESOURCE", "QUOTA", "USED", "LEFT");
            foreach (var q in ApiClient.As<QuotaReply>(raw).Quotas.Resources)
            {
                Printer.Row(table, q.Type, q.Quota.ToString(), q.Used.ToString(), (q.Quota - q.Used).ToString());
            }

            return table;
        });
        return ExitCodes.Success;
    });

    public static Command Costs(CommandKit kit)
    {
        var from = new Option<string>("--from") { Description = "Start: a whole UTC hour or a date (e.g. 2026-12-01)", Required = true };
        var to = new Option<string?>("--to") { Description = "End (exclusive); default: now, rounded up to the hour" };
        var granularity = new Option<string>("--granularity") { Description = "hourly or daily", DefaultValueFactory = _ => "daily" };
        var groupBy = new Option<string>("--group-by")
        {
            Description = "project, enterprise_project, pool or desktop",
            DefaultValueFactory = _ => "pool",
        };
        var limit = new Option<int>("--limit") { Description = "Groups per page (1-1000)", DefaultValueFactory = _ => 1000 };
        var offset = new Option<int>("--offset") { Description = "Groups to skip", DefaultValueFactory = _ => 0 };
        return kit.Verb("costs", "Show pay-per-use usage and cost for a time range", async (s, p, ct) =>
        {
            var query = $"costs?from={Lookup.Q(p.GetValue(from)!)}&granularity={Lookup.Q(p.GetValue(granularity)!)}" +
                $"&group_by={Lookup.Q(p.GetValue(groupBy)!)}&limit={p.GetValue(limit)}&offset={p.GetValue(offset)}" +
                (p.GetValue(to) is { } end ? $"&to={Lookup.Q(end)}" : "");
            var raw = await s.Api.GetAsync(query, ct);
            var page = ApiClient.As<CostReport>(raw);
            if (page.Groups.Count < page.TotalCount)
            {
                s.Printer.Note($"Showing groups {p.GetValue(offset) + 1}-{p.GetValue(offset) + page.Groups.Count} of " +
                    $"{page.TotalCount}; the total covers them all. Use --offset for the others.");
            }

            s.Printer.Data(raw, () =>
            {
                var report = page;
                var table = Printer.NewTable("PROJECT / EP", "POOL", "DESKTOP", "RUNNING H", "COMPUTE", "DISK", $"TOTAL {report.Currency}");
                foreach (var g in report.Groups)
                {
                    Printer.Row(table, g.EnterpriseProjectId ?? g.ProjectId, g.DesktopPoolName ?? "", g.ComputerName ?? "",
                        (g.RunningSeconds / 3600.0).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
                        g.ComputeAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        g.DiskAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        g.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                Printer.Row(table, "TOTAL", "", "", (report.Total.RunningSeconds / 3600.0).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
                    report.Total.ComputeAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    report.Total.DiskAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    report.Total.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return table;
            });
            return ExitCodes.Success;
        }, from, to, granularity, groupBy, limit, offset);
    }

    public static Command Service(CommandKit kit)
    {
        var authorize = kit.Verb("authorize", "Grant the service its first-use authorisation on the project",
            async (s, _, ct) => Show(s, await s.Api.PostAsync("service-authorization", null, ct)));
        var show = kit.Verb("show", "Show whether the service is authorised on the project",
            async (s, _, ct) => Show(s, await s.Api.GetAsync("service-authorization", ct)));
        return CommandKit.Group("service", "The first-use service authorisation", authorize, show);
    }

    private static int Show(Session s, System.Text.Json.Nodes.JsonNode? raw)
    {
        s.Printer.Data(raw, () =>
        {
            var grant = ApiClient.As<ServiceAuthorization>(raw);
            return Printer.Details(("authorized", grant.Authorized ? "yes" : "no"), ("since", grant.AuthorizedAt),
                ("scopes", string.Join(", ", grant.Scopes ?? [])));
        });
        return ExitCodes.Success;
    }
}
