namespace Platform.Journey.Tests.CrossService;

[CollectionDefinition(Name)]
public sealed class LedgerProcessCollection : ICollectionFixture<LedgerProcessPlatform>
{
    public const string Name = "cross-service over the Dapr harness, ledger as a process";
}

/// <summary>
/// The cross-service platform with the ledger as a child process (<c>dotnet Platform.Ledger.dll</c>) under its
/// harness sidecar, so a test can SIGKILL it while events are in flight. Receipt reconciliation runs on test-sized
/// timings (docs/messaging.md, "Receipt reconciliation"); the defaults are 30 s, 30 s and 5 min.
/// </summary>
public sealed class LedgerProcessPlatform : CrossServicePlatform
{
    public LedgerProcessPlatform()
        : base(ledgerAsProcess: true)
    {
    }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Receipts:FirstRoundDelay"] = "00:00:01",
        ["Receipts:Interval"] = "00:00:01",
        ["Receipts:MinAge"] = "00:00:03",
        ["Receipts:RepublishAfter"] = "00:00:15",
    };
}
