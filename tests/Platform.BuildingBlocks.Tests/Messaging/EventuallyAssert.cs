namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>Waits for an asynchronous effect (a background relay, a broker delivery) and fails with a message if it never comes.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(25);
        }
        Assert.Fail($"Timed out after {timeoutSeconds} s waiting until {what}.");
    }

    public static Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 15) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutSeconds);
}
