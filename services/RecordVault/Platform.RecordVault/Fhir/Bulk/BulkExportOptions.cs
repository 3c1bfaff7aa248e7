namespace Platform.RecordVault.Fhir.Bulk;

/// <summary><c>RecordVault:BulkExport:*</c> (docs/fhir.md, "Bulk export").</summary>
public sealed class BulkExportOptions
{
    /// <summary>How long a job and its files stay after the request (a finished job: after it finished); then they are deleted.</summary>
    public TimeSpan FileLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a worker's claim on a running job holds without progress; a job whose worker stopped is taken up again after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle worker looks for jobs (a kick-off wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> a client polling a running job is given.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Jobs one requester may have waiting or running at once; more is 429.</summary>
    public int MaxActivePerRequester { get; set; } = 2;
}
