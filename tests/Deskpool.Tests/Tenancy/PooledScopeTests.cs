using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Tenancy;

/// <summary>
/// Database contexts are pooled and reused from one service scope to the next: a confinement that a
/// door admitted must end with its scope, or the next renter (an end user's connect, a job step)
/// would see only one enterprise project.
/// </summary>
public sealed class PooledScopeTests
{
    [Fact]
    public async Task A_confinement_never_outlives_its_scope_in_the_context_pool()
    {
        await using var server = await TestServer.StartAsync();
        var confined = new ApiCredential
        {
            Id = "confined", ProjectId = TestServer.ProjectA, Name = "finance", TokenDigest = "none",
            EnterpriseProjectId = "finance",
        };

        for (var round = 0; round < 20; round++)
        {
            await using (var door = server.Services.CreateAsyncScope())
            {
                door.ServiceProvider.GetRequiredService<AccessScope>().Admit(confined);
                Assert.Equal("finance", door.ServiceProvider.GetRequiredService<DeskpoolDbContext>().EnterpriseProjectScope);
            }

            await using var next = server.Services.CreateAsyncScope();
            Assert.Null(next.ServiceProvider.GetRequiredService<DeskpoolDbContext>().EnterpriseProjectScope);
        }
    }
}
