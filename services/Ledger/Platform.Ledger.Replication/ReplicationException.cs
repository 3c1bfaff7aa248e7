namespace Platform.Ledger.Replication;

/// <summary>
/// The command was NOT acknowledged. Its outcome is unknown: it may still be committed later
/// (Raft keeps an uncommitted entry that reached some replicas), so a caller that retries
/// must make the command idempotent (e.g. carry a unique id that <see cref="ApplyCommand"/> deduplicates).
/// </summary>
public abstract class ReplicationException : Exception
{
    private protected ReplicationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
