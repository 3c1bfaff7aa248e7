namespace Platform.Ledger.Core;

/// <summary>Settings every replica of one ledger must share (<c>Ledger:*</c>).</summary>
public sealed class LedgerOptions
{
    /// <summary>Names the ledger in every checkpoint, so a checkpoint of one ledger cannot pass for another's.</summary>
    public string LedgerId { get; set; } = "platform-consent-ledger";

    /// <summary>How many replicas the cluster has; a checkpoint is final with signatures from a majority of them.</summary>
    public int ReplicaCount { get; set; } = 1;

    public int Majority => (ReplicaCount / 2) + 1;
}
