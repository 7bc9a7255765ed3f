namespace ImSignalR.IntegrationTests.Redis;

/// <summary>Polls a condition instead of sleeping a fixed time; fails with <paramref name="what"/> after the timeout.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception) when (Environment.TickCount64 < deadline)
            {
                // Transient failures (e.g. Redis still restarting) are part of what we wait out.
            }
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }
            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, int timeoutMs = 10_000) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutMs);
}
