using System.Data;
using System.Data.Common;
using Platform.Consent.Data;

namespace Platform.Consent.Decisions;

/// <summary>
/// One open connection with the decision's query prepared on it, used by one decision at a time
/// (<see cref="ConsentReaderPool"/> hands it out). The column list is what <see cref="ConsentRow.ToConsent"/> needs
/// beyond the two the statement matches on (the rows share the caller's strings for those: binary equality, no copy);
/// SQLite and PostgreSQL both accept the quoted names and <c>@</c> parameters. Index: <c>IX_Consents_Subject_GranteeId</c>.
/// </summary>
internal sealed class ConsentReader : IDisposable
{
    private const string Sql = """
        SELECT "Id", "GranteeKind", "Categories", "Purposes", "Actions",
               "ValidFromMs", "ValidUntilMs", "Status", "Version", "CreatedAtMs", "UpdatedAtMs"
        FROM "Consents" WHERE "Subject" = @subject AND "GranteeId" = @actor
        """;

    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbParameter _subject;
    private readonly DbParameter _actor;
    private readonly DbCommand? _dataVersion;
    private long? _lastDataVersion;

    private ConsentReader(DbConnection connection, DbCommand command, DbParameter subject, DbParameter actor, DbCommand? dataVersion)
    {
        _connection = connection;
        _command = command;
        _subject = subject;
        _actor = actor;
        _dataVersion = dataVersion;
    }

    /// <summary>Whether this reader can tell that another connection committed (SQLite's <c>PRAGMA data_version</c>).</summary>
    public bool SeesCommits => _dataVersion is not null;

    /// <summary>
    /// True when any other connection (this process's or another's) may have committed to the database since this
    /// reader last asked, and on the first call. SQLite changes <c>data_version</c> for every commit by another
    /// connection; this reader never writes.
    /// </summary>
    public bool CommittedSinceLastAsked()
    {
        var version = Convert.ToInt64(_dataVersion!.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        var changed = _lastDataVersion != version;
        _lastDataVersion = version;
        return changed;
    }

    public static ConsentReader Prepare(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        var subject = Add(command, "@subject");
        var actor = Add(command, "@actor");
        command.Prepare();
        DbCommand? dataVersion = null;
        if (connection is Microsoft.Data.Sqlite.SqliteConnection)
        {
            dataVersion = connection.CreateCommand();
            dataVersion.CommandText = "PRAGMA data_version";
            dataVersion.Prepare();
        }
        return new ConsentReader(connection, command, subject, actor, dataVersion);
    }

    public async Task<List<ConsentRow>> ReadAsync(string subject, string actor, CancellationToken cancellationToken)
    {
        _subject.Value = subject;
        _actor.Value = actor;
        var rows = new List<ConsentRow>();
        await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ConsentRow
            {
                Id = reader.GetGuid(0),
                Subject = subject,
                GranteeKind = reader.GetString(1),
                GranteeId = actor,
                Categories = reader.GetString(2),
                Purposes = reader.GetString(3),
                Actions = reader.GetString(4),
                ValidFromMs = reader.GetInt64(5),
                ValidUntilMs = reader.IsDBNull(6) ? null : reader.GetInt64(6),
                Status = reader.GetString(7),
                Version = reader.GetInt32(8),
                CreatedAtMs = reader.GetInt64(9),
                UpdatedAtMs = reader.GetInt64(10),
            });
        }
        return rows;
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = "";
        command.Parameters.Add(parameter);
        return parameter;
    }

    public void Dispose()
    {
        _dataVersion?.Dispose();
        _command.Dispose();
        _connection.Dispose();
    }
}
