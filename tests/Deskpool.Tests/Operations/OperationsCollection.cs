namespace Deskpool.Tests.Operations;

/// <summary>
/// Metric values are process-wide listeners over every live host's meter, so the tests that read
/// exact values run alone, after the parallel tests have stopped their servers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperationsCollection
{
    public const string Name = "operations";
}
