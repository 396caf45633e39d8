namespace Deskpool.Tests.Support;

/// <summary>
/// A test that needs PostgreSQL: several server processes on one database. It is skipped, with the
/// reason shown, in a run on SQLite; <c>scripts/test.sh</c> runs the suite on both.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestDatabase.IsPostgres)
        {
            Skip = $"Needs PostgreSQL: set {TestDatabase.Variable} (scripts/test.sh does).";
        }
    }
}
