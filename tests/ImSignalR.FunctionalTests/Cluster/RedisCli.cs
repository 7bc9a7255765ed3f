using System.Diagnostics;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>Reads what the nodes wrote to Redis with Debian's redis-cli (<c>-c</c>: follows a cluster's redirects).</summary>
public static class RedisCli
{
    /// <param name="configuration">A node's <c>Im:Redis:Configuration</c>; its first endpoint is asked.</param>
    public static async Task<string[]> RunAsync(string configuration, params string[] args)
    {
        var endpoint = configuration.Split(',')[0];
        var colon = endpoint.LastIndexOf(':');
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", "-h", endpoint[..colon], "-p", endpoint[(colon + 1)..] }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
