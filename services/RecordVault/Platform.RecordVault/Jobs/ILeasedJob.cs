namespace Platform.RecordVault.Jobs;

/// <summary>
/// A row of a job table that <see cref="JobLease{TJob}"/> runs: waiting (<see cref="LeasedJobStatus.Accepted"/>),
/// claimed by one worker until its lease runs out (<see cref="LeasedJobStatus.Running"/>), then finished or failed.
/// </summary>
public interface ILeasedJob
{
    Guid Id { get; }

    string Status { get; }

    long CreatedAtMs { get; }

    /// <summary>The worker running the job; null unless it is running.</summary>
    Guid? LeaseOwner { get; }

    /// <summary>Until when the claim holds (Unix ms): a running job past it is another worker's to take up.</summary>
    long LeaseUntilMs { get; }

    string? Error { get; }
}

/// <summary>The states a leased job passes through; the job tables store these codes.</summary>
public static class LeasedJobStatus
{
    public const string Accepted = "accepted";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
