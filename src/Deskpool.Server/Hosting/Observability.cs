using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Deskpool.Core.Catalog;
using Deskpool.Core.Compute;
using Deskpool.Core.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Deskpool.Server.Hosting;

/// <summary>Where traces go (<c>Deskpool:Telemetry</c>); metrics are always scraped at <c>/metrics</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Deskpool:Telemetry";

    /// <summary>An OTLP endpoint to export traces to; without one, traces are not exported.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// When set, <c>/metrics</c> answers only scrapes that send <c>Authorization: Bearer</c> with this
    /// value; without it the endpoint is open, for a monitoring network of its own.
    /// </summary>
    public string? MetricsToken { get; set; }
}

/// <summary>Metrics, traces and health: what an operator scrapes and probes.</summary>
internal static class Observability
{
    private const string Ready = "ready";

    public static void AddDeskpoolObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<HealthOptions>(builder.Configuration.GetSection(HealthOptions.Section));
        services.AddSingleton<DeskpoolTelemetry>();
        services.AddSingleton<FleetGauges>();
        services.AddSingleton<CommandTiming>();
        services.AddSingleton<TraceParentStamp>();
        services.AddSingleton<WorkerHeartbeats>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<WorkersHealthCheck>("workers", tags: [Ready])
            .AddCheck<DriversHealthCheck>("drivers", tags: [Ready]);

        var otlp = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.OtlpEndpoint;
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(DeskpoolTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                tracing.AddSource(DeskpoolTelemetry.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                        !http.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal)
                        && !http.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                        && !http.Request.Path.StartsWithSegments("/readyz", StringComparison.Ordinal));
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
    }

    public static void MapDeskpoolOperations(this WebApplication app)
    {
        // The gauges register with the meter when first built.
        _ = app.Services.GetRequiredService<FleetGauges>();
        var token = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.MetricsToken;
        if (!string.IsNullOrEmpty(token))
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes("Bearer " + token));
            app.UseWhen(http => http.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal), scrape => scrape.Use(
                async (http, next) =>
                {
                    // Digests of equal length, compared in constant time: the answer says nothing about the token.
                    var sent = SHA256.HashData(Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString()));
                    if (!CryptographicOperations.FixedTimeEquals(sent, expected))
                    {
                        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        http.Response.Headers.WWWAuthenticate = "Bearer";
                        return;
                    }

                    await next(http);
                }));
        }

        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteAsync,
        });
    }

    /// <summary>Each check with its status and description, so a red readiness says what is wrong.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, object?>
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
                ["data"] = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}


/// <summary>
/// Readiness: every zone's compute driver answers. The probe looks up a machine that does not
/// exist, which costs a driver one lookup and fails only when its host cannot be reached.
/// </summary>
internal sealed class DriversHealthCheck(ComputeDrivers drivers, Catalog catalog, IOptions<HealthOptions> options)
    : IHealthCheck
{
    private const string ProbeId = "00000000-0000-0000-0000-000000000000";

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        foreach (var zone in catalog.Zones)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.ProbeTimeout);
            try
            {
                await drivers.ForZone(zone.Id).FindAsync(new MachineRef(ProbeId, "readiness-probe", zone.Id), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"zone {zone.Id} ({zone.Driver}): no answer within {options.Value.ProbeTimeout:c}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"zone {zone.Id} ({zone.Driver}): {ex.Message}");
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{catalog.Zones.Count} zone(s) reachable")
            : HealthCheckResult.Unhealthy("unreachable: " + string.Join("; ", failures));
    }
}
