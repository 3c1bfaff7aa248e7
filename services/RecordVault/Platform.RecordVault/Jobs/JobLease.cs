using Microsoft.EntityFrameworkCore;

namespace Platform.RecordVault.Jobs;

/// <summary>
/// Claims and gives back jobs of one table, so that two vault instances never run the same job and a job whose worker
/// stopped (a restart) is taken up again once its lease has run out. The claim is a conditional update: of two
/// workers that saw the same job waiting, one updates the row, the other none.
/// </summary>
/// <remarks>The columns are named through <see cref="EF.Property{TProperty}"/>, which EF Core translates for any row type.</remarks>
public sealed class JobLease<TJob>(Guid worker, TimeProvider time) where TJob : class, ILeasedJob
{
    /// <summary>This worker's claim on the jobs it runs.</summary>
    public Guid Worker { get; } = worker;

    /// <summary>
    /// Claims the oldest waiting job, or a running one whose lease ran out. <c>Found</c> is false when there was none
    /// (wait for a signal); <c>Claimed</c> is false when another worker was first (look again at once).
    /// </summary>
    public async Task<(bool Found, bool Claimed, Guid JobId)> ClaimNextAsync(DbSet<TJob> jobs, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var next = await Claimable(jobs, now)
            .OrderBy(j => EF.Property<long>(j, nameof(ILeasedJob.CreatedAtMs)))
            .Select(j => (Guid?)EF.Property<Guid>(j, nameof(ILeasedJob.Id)))
            .FirstOrDefaultAsync(cancellationToken);
        if (next is not { } jobId)
        {
            return (false, false, Guid.Empty);
        }
        var until = time.GetUtcNow().Add(lease).ToUnixTimeMilliseconds();
        var claimed = await Claimable(jobs, now)
            .Where(j => EF.Property<Guid>(j, nameof(ILeasedJob.Id)) == jobId)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(j => EF.Property<string>(j, nameof(ILeasedJob.Status)), LeasedJobStatus.Running);
                s.SetProperty(j => EF.Property<Guid?>(j, nameof(ILeasedJob.LeaseOwner)), Worker);
                s.SetProperty(j => EF.Property<long>(j, nameof(ILeasedJob.LeaseUntilMs)), until);
            }, cancellationToken);
        return (true, claimed == 1, jobId);
    }

    /// <summary>
    /// Gives up this worker's claim, leaving the job in <paramref name="status"/>. Only a running job has a lease owner
    /// (completion clears it, cancelling deletes the job), so a job that finished or went meanwhile is left alone.
    /// </summary>
    public async Task ReleaseAsync(DbContext db, DbSet<TJob> jobs, Guid jobId, string status, string? error)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.ChangeTracker.Clear();
        await jobs.Where(j => EF.Property<Guid>(j, nameof(ILeasedJob.Id)) == jobId && EF.Property<Guid?>(j, nameof(ILeasedJob.LeaseOwner)) == Worker)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(j => EF.Property<string>(j, nameof(ILeasedJob.Status)), status);
                s.SetProperty(j => EF.Property<string?>(j, nameof(ILeasedJob.Error)), error);
                s.SetProperty(j => EF.Property<Guid?>(j, nameof(ILeasedJob.LeaseOwner)), (Guid?)null);
            }, CancellationToken.None);
    }

    private static IQueryable<TJob> Claimable(DbSet<TJob> jobs, long now) => jobs.Where(j =>
        EF.Property<string>(j, nameof(ILeasedJob.Status)) == LeasedJobStatus.Accepted
        || (EF.Property<string>(j, nameof(ILeasedJob.Status)) == LeasedJobStatus.Running && EF.Property<long>(j, nameof(ILeasedJob.LeaseUntilMs)) < now));
}
