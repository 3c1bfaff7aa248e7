namespace Platform.RecordVault.Jobs;

/// <summary>
/// Wakes the worker of one job table when a job is accepted, so a small job does not wait for the next poll; one
/// singleton per table (<typeparamref name="TJob"/>).
/// </summary>
public sealed class JobSignal<TJob> where TJob : ILeasedJob
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the worker will look once more, which covers this job too.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _semaphore.WaitAsync(timeout, cancellationToken);
}
