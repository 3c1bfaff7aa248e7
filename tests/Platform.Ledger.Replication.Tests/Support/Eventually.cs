using System.Diagnostics;

namespace Platform.Ledger.Replication.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="because"/> on timeout.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"Timed out after {timeout}: {because}");
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
