using Platform.RecordVault.Jobs;

namespace Platform.RecordVault.Data;

/// <summary>
/// A FHIR Bulk Data export job (docs/fhir.md, "Bulk export"): who asked, for which patient, which types and since
/// when, and where it stands. Kept in the vault's database so that a job survives a restart: a job whose worker
/// stopped is taken up again once its lease has run out. Holds no medical content; the files are
/// <see cref="ExportFileRow"/>, encrypted.
/// </summary>
public sealed class ExportJobRow : ILeasedJob
{
    public const string Accepted = LeasedJobStatus.Accepted;
    public const string Running = LeasedJobStatus.Running;
    public const string Completed = LeasedJobStatus.Completed;
    public const string Failed = LeasedJobStatus.Failed;

    public Guid Id { get; set; }

    /// <summary>The token subject that started the job: the only one who sees its status and downloads its files.</summary>
    public string Requester { get; set; } = "";

    public string Patient { get; set; } = "";

    /// <summary>The resource types to export, comma-separated (from <c>_type</c>, or every type the requester may read).</summary>
    public string Types { get; set; } = "";

    /// <summary><c>_since</c>: only resources whose current version is newer.</summary>
    public long? SinceMs { get; set; }

    /// <summary>The kick-off request URL, as the manifest's <c>request</c> repeats it.</summary>
    public string Request { get; set; } = "";

    public string Status { get; set; } = Accepted;

    public long CreatedAtMs { get; set; }

    /// <summary>When the run listed what it exports: the manifest's <c>transactionTime</c>.</summary>
    public long? TransactionTimeMs { get; set; }

    public long? CompletedAtMs { get; set; }

    /// <summary>After this the job and its files are deleted (and answer 404).</summary>
    public long ExpiresAtMs { get; set; }

    /// <summary>The worker instance running the job, and until when its claim holds.</summary>
    public Guid? LeaseOwner { get; set; }

    public long LeaseUntilMs { get; set; }

    public int Exported { get; set; }

    public int Total { get; set; }

    /// <summary>A stable code when the job failed (never content).</summary>
    public string? Error { get; set; }
}
