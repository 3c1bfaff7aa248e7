using Microsoft.Data.Sqlite;

namespace Platform.Security.Tests;

/// <summary>
/// How many rows every table of every service's SQLite database holds: before and after a batch of bad requests,
/// the counts must be equal ("nothing persisted"). Read straight from the files, so no table can be forgotten.
/// </summary>
public static class StoredRows
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(string dataDirectory)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(dataDirectory, "*.db").Order(StringComparer.Ordinal))
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }
            foreach (var table in tables)
            {
                await using var count = connection.CreateCommand();
                count.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                counts[$"{Path.GetFileNameWithoutExtension(file)}.{table}"] = (long)(await count.ExecuteScalarAsync())!;
            }
        }
        return counts;
    }

    /// <summary>
    /// Tables that only record what consumers did with events already published (each service's inbox, and the
    /// ledger's <c>ledger.committed</c> announcements): they keep moving while earlier commits drain, and an input
    /// that was wrongly stored shows in its own service's tables and outbox anyway (the ledger: in its tree size).
    /// </summary>
    private static bool IsDownstream(string table) =>
        table.EndsWith(".inbox_entries", StringComparison.Ordinal) || table == "ledger.outbox_messages";

    /// <summary>The counts once background work (outbox relays, ledger commits) has settled: three equal readings in a row.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> SettledAsync(string dataDirectory)
    {
        var previous = await CountAsync(dataDirectory);
        var stable = 0;
        for (var attempt = 0; attempt < 60 && stable < 2; attempt++)
        {
            await Task.Delay(250);
            var current = await CountAsync(dataDirectory);
            stable = current.SequenceEqual(previous) ? stable + 1 : 0;
            previous = current;
        }
        return previous.Where(t => !IsDownstream(t.Key)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
    }

    /// <summary>The tables whose counts differ, as "table: before → after".</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        before.Keys.Union(after.Keys)
            .Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t}: {before.GetValueOrDefault(t)} → {after.GetValueOrDefault(t)}")
            .ToList();
}
