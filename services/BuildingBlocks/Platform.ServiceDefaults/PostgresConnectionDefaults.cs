using Npgsql;

namespace Platform.ServiceDefaults;

/// <summary>
/// What the services add to a PostgreSQL connection string unless the operator's string already says otherwise.
/// <c>Max Auto Prepare</c>: Npgsql prepares a statement on a connection once it has run five times there and reuses it,
/// so PostgreSQL stops parsing and planning the same hot statements on every request (issue 18: a record-vault read's
/// lookup cost PostgreSQL more to plan than to run, about 0.2 ms of planning per read in <c>pg_stat_statements</c>;
/// docs/benchmarks.md). Prepared statements are per connection and survive the pool's reset. An operator behind a
/// pooler that cannot carry them (PgBouncer before 1.21 in transaction mode) sets <c>Max Auto Prepare=0</c>.
/// </summary>
public static class PostgresConnectionDefaults
{
    /// <summary>How many statements each connection keeps prepared (least recently used dropped beyond it).</summary>
    public const int MaxAutoPrepare = 64;

    public static string Apply(string connectionString)
    {
        // A plain DbConnectionStringBuilder holds only what the string sets; NpgsqlConnectionStringBuilder.ContainsKey is
        // true for every keyword Npgsql knows, set or not.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxAutoPrepare }.ConnectionString;
    }
}
