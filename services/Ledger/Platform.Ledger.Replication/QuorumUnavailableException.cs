namespace Platform.Ledger.Replication;

/// <summary>
/// A majority of the configured members could not be reached within the caller's timeout:
/// no leader could be elected, or the leader could not get the command acknowledged.
/// The cluster cannot accept writes until enough members are back; retry later.
/// </summary>
public sealed class QuorumUnavailableException : ReplicationException
{
    public QuorumUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
