namespace Platform.Ledger.Replication;

/// <summary>
/// Layout of <see cref="ReplicaOptions.DataDirectory"/>:
/// <code>
/// replica-identity   the identity that owns this directory (guard, see below), e.g. "platform-consent-ledger/ledger-1"
/// wal/               DotNext WriteAheadLog: entries, commit checkpoint, term and vote
/// snapshots/         state snapshots, one file per snapshot named {index}-{term} (see SnapshotFile)
/// </code>
/// </summary>
internal static class DataDirectoryLayout
{
    internal const string IdentityFileName = "replica-identity";
    internal const string WalDirectoryName = "wal";
    internal const string SnapshotDirectoryName = "snapshots";

    /// <summary>The marker of directories created before replicas were named: it holds the IP endpoint they ran on.</summary>
    internal const string LegacyEndpointFileName = "replica-endpoint";

    /// <summary>Creates the directories and returns the WAL location.</summary>
    /// <remarks>
    /// A WAL holds this member's vote. Starting another member on it (a swapped volume, a copied directory) would
    /// let one vote count twice and break Raft's safety, so the directory is bound to the replica's identity (its
    /// name within its ledger, not its address, which changes whenever a pod is recreated) on first use and any
    /// mismatch is refused.
    /// </remarks>
    internal static string Prepare(ReplicaOptions options, Action<string>? onMigrated = null)
    {
        var root = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(root);

        var identityPath = Path.Combine(root, IdentityFileName);
        var legacyPath = Path.Combine(root, LegacyEndpointFileName);
        var expected = options.EffectiveIdentity;
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
            // Written to a temporary file and renamed: a crash leaves either no marker or a whole one.
            var temporary = identityPath + ".tmp";
            File.WriteAllText(temporary, expected + Environment.NewLine);
            File.Move(temporary, identityPath, overwrite: true);
        }

        // Migration, once: a directory bound to the IP address its replica used to have. The volume is mounted by
        // the replica's own name (a StatefulSet claim, a per-replica folder), which is what the address stood for;
        // the old address is meaningless once the pod has a new one, so the marker is replaced, not compared.
        if (File.Exists(legacyPath))
        {
            var previous = File.ReadAllText(legacyPath).Trim();
            File.Delete(legacyPath);
            onMigrated?.Invoke(previous);
        }

        var wal = Path.Combine(root, WalDirectoryName);
        Directory.CreateDirectory(wal);
        return wal;
    }

    /// <summary>The snapshot directory of a prepared data directory (created when missing).</summary>
    internal static DirectoryInfo Snapshots(ReplicaOptions options) =>
        Directory.CreateDirectory(Path.Combine(Path.GetFullPath(options.DataDirectory), SnapshotDirectoryName));
}
