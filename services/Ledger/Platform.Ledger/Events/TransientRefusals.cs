namespace Platform.Ledger.Events;

/// <summary>
/// Which refusals of a signed event can resolve themselves, so the event must come again rather than be dropped.
/// <c>unknown_key</c>: the publisher's key registration is a log entry too, and a replica that is still replaying its
/// log after a restart (or a follower that lags) has not applied it yet. Everything else the validator says —
/// malformed, bad signature, wrong issuer, a type or rule the publisher may not use — is about the bytes themselves
/// and will be said again on every redelivery: only those are dead-lettered. No leader and no quorum are not
/// refusals at all; they surface as <see cref="Replication.QuorumUnavailableException"/> and are retried too.
/// </summary>
public static class TransientRefusals
{
    public static bool IsTransient(string? errorCode) => errorCode == "unknown_key";
}
