namespace Platform.RecordVault.Pages.Portal;

/// <summary>Where an access-log entry's ledger receipt stands, as the access-log page shows it.</summary>
public enum ReceiptState
{
    /// <summary>The ledger has not committed the event yet (or its receipt has not come back).</summary>
    Awaiting,

    /// <summary>The receipt was checked here: included under a checkpoint signed by a majority of the trusted replica keys, and about this entry.</summary>
    Verified,

    /// <summary>The receipt was checked and failed; <see cref="ReceiptCheckResult.Reason"/> says why.</summary>
    Failed,
}

/// <summary>The state and, for a check that ran, what it found (the verifier's own words).</summary>
public sealed record ReceiptCheckResult(ReceiptState State, string Reason);
