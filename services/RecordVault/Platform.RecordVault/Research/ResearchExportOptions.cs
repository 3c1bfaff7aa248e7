namespace Platform.RecordVault.Research;

/// <summary><c>RecordVault:Research:*</c> (docs/research.md, "Export").</summary>
public sealed class ResearchExportOptions
{
    /// <summary>k of the k-anonymity check (at least 2): the smallest group of participants sharing their quasi-identifiers.</summary>
    public int K { get; set; } = 5;

    /// <summary>How long an export and its files stay after it finished; then they are deleted (the manifest's hash stays on the ledger).</summary>
    public TimeSpan FileLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a worker's claim on a running export holds; an export whose worker stopped is taken up again after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker looks for exports (a start wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> a researcher polling a running export is given.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Exports of one study waiting or running at once; more is 429.</summary>
    public int MaxActivePerStudy { get; set; } = 1;
}
