using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Deskpool.Core.Telemetry;

/// <summary>Measures every database command EF Core runs, for the database-time histogram.</summary>
public sealed class CommandTiming(DeskpoolTelemetry telemetry) : DbCommandInterceptor
{
    public override DbDataReader ReaderExecuted(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        telemetry.DatabaseCommand("reader", eventData.Duration, failed: false);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        telemetry.DatabaseCommand("reader", eventData.Duration, failed: false);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        telemetry.DatabaseCommand("non-query", eventData.Duration, failed: false);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        telemetry.DatabaseCommand("non-query", eventData.Duration, failed: false);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        telemetry.DatabaseCommand("scalar", eventData.Duration, failed: false);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default)
    {
        telemetry.DatabaseCommand("scalar", eventData.Duration, failed: false);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        telemetry.DatabaseCommand(eventData.ExecuteMethod switch
        {
            DbCommandMethod.ExecuteNonQuery => "non-query",
            DbCommandMethod.ExecuteScalar => "scalar",
            _ => "reader",
        }, eventData.Duration, failed: true);

    public override Task CommandFailedAsync(
        DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }
}
