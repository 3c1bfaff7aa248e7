using System.Data;
using System.Data.Common;
using Platform.Consent.Data;

namespace Platform.Consent.Decisions;

/// <summary>
/// One open connection with the decision's query prepared on it, used by one decision at a time
/// (<see cref="ConsentReaderPool"/> hands it out). The column list is what <see cref="ConsentRow.ToConsent"/> needs;
/// SQLite and PostgreSQL both accept the quoted names and <c>@</c> parameters. Index: <c>IX_Consents_Subject_GranteeId</c>.
/// </summary>
internal sealed class ConsentReader : IDisposable
{
    private const string Sql = """
        SELECT "Id", "Subject", "GranteeKind", "GranteeId", "Categories", "Purposes", "Actions",
               "ValidFromMs", "ValidUntilMs", "Status", "Version", "CreatedAtMs", "UpdatedAtMs"
        FROM "Consents" WHERE "Subject" = @subject AND "GranteeId" = @actor
        """;

    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbParameter _subject;
    private readonly DbParameter _actor;

    private ConsentReader(DbConnection connection, DbCommand command, DbParameter subject, DbParameter actor)
    {
        _connection = connection;
        _command = command;
        _subject = subject;
        _actor = actor;
    }

    public static ConsentReader Prepare(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        var subject = Add(command, "@subject");
        var actor = Add(command, "@actor");
        command.Prepare();
        return new ConsentReader(connection, command, subject, actor);
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
                Subject = reader.GetString(1),
                GranteeKind = reader.GetString(2),
                GranteeId = reader.GetString(3),
                Categories = reader.GetString(4),
                Purposes = reader.GetString(5),
                Actions = reader.GetString(6),
                ValidFromMs = reader.GetInt64(7),
                ValidUntilMs = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                Status = reader.GetString(9),
                Version = reader.GetInt32(10),
                CreatedAtMs = reader.GetInt64(11),
                UpdatedAtMs = reader.GetInt64(12),
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
        _command.Dispose();
        _connection.Dispose();
    }
}
