using System.Diagnostics;

namespace Platform.Benchmarks;

/// <summary>What one closed-loop worker saw: each call's latency, the failed calls, and the tags the calls reported.</summary>
internal sealed record WorkerTally(List<double> Latencies, long Errors, Dictionary<string, long> Tags);

/// <summary>The load drivers' closed loops: each worker calls, waits for the answer, and calls again until the time is up.</summary>
internal static class LoadLoop
{
    /// <param name="failure">
    /// Exceptions the benchmark counts as failed calls (tagged with the exception's type) instead of ending the run;
    /// null lets every exception end it.
    /// </param>
    public static Task<WorkerTally[]> RunAsync(TimeSpan duration, int workers, Func<Random, Task<(bool Ok, string? Tag)>> call,
        Func<Exception, bool>? failure = null)
    {
        var stopwatch = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(1000 + worker); // the same sequence of choices in every run
            var tally = new WorkerTally([], 0, []);
            long errors = 0;
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                string? tag;
                try
                {
                    (ok, tag) = await call(random);
                }
                catch (Exception ex) when (failure?.Invoke(ex) == true)
                {
                    (ok, tag) = (false, ex.GetType().Name);
                }
                tally.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok)
                {
                    errors++;
                }
                if (tag is not null)
                {
                    tally.Tags[tag] = tally.Tags.GetValueOrDefault(tag) + 1;
                }
            }
            return tally with { Errors = errors };
        })));
    }

    /// <summary>The value below which a fraction <paramref name="p"/> of the sorted latencies lie (nearest rank).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
}
