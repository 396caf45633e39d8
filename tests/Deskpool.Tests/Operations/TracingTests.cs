using System.Collections.Concurrent;
using System.Diagnostics;
using Deskpool.Core.Persistence;
using Deskpool.Core.Telemetry;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task A_job_keeps_its_requests_trace_and_each_step_links_to_it_around_the_driver_call()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DeskpoolTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync();

        var jobId = await server.Client.CreatePoolAsync(Wire.PoolRequest("traced-pool", 2));
        await server.Client.WaitForJobAsync(jobId);
        await using var scope = server.Services.CreateAsyncScope();
        var traceParent = await scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>().Jobs
            .Where(j => j.Id == jobId).Select(j => j.TraceParent).SingleAsync();

        Assert.NotNull(traceParent);
        var requestTrace = ActivityContext.Parse(traceParent, null).TraceId;
        var steps = stopped.Where(a => a.DisplayName == "job step Create"
            && (string?)a.GetTagItem("deskpool.job_id") == jobId).ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, step => Assert.Contains(step.Links, link => link.Context.TraceId == requestTrace));
        Assert.All(steps, step => Assert.Contains(stopped, a => a.DisplayName == "driver Create" && a.ParentId == step.Id));
    }
}
