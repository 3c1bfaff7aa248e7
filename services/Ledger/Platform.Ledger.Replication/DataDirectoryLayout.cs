namespace Platform.Ledger.Replication;

/// <summary>
/// Layout of <see cref="ReplicaOptions.DataDirectory"/>:
/// <code>
/// replica-endpoint   the RaftEndPoint that owns this directory (guard, see below)
/// wal/               DotNext WriteAheadLog: entries, commit checkpoint, term and vote
/// </code>
/// </summary>
internal static class DataDirectoryLayout
{
    internal const string IdentityFileName = "replica-endpoint";
    internal const string WalDirectoryName = "wal";

    /// <summary>Creates the directories and returns the WAL location.</summary>
    /// <remarks>
    /// A WAL holds this member's vote. Starting another member on it (a swapped volume, a copied
    /// directory) would let one vote count twice and break Raft's safety, so the directory is
    /// bound to the endpoint on first use and any mismatch is refused.
    /// </remarks>
    internal static string Prepare(ReplicaOptions options)
    {
        var root = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(root);

        var identityPath = Path.Combine(root, IdentityFileName);
        var expected = options.RaftEndPoint.ToString();
        if (File.Exists(identityPath))
        {
            var actual = File.ReadAllText(identityPath).Trim();
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Data directory '{root}' belongs to replica {actual}, not {expected}. " +
                    "A Raft log holds its member's vote and must never be reused by another member; " +
                    "give this replica its own (possibly empty) data directory.");
            }
        }
        else
        {
            File.WriteAllText(identityPath, expected + Environment.NewLine);
        }

        var wal = Path.Combine(root, WalDirectoryName);
        Directory.CreateDirectory(wal);
        return wal;
    }
}
