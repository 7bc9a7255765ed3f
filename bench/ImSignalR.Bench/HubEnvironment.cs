namespace ImSignalR.Bench;

/// <summary>Settings of a real hub node under load: the per-connection rate limit lifted, nothing else changed.</summary>
internal static class HubEnvironment
{
    public static Dictionary<string, string> Embedded(string dataDirectory, BenchOptions options)
    {
        var environment = new Dictionary<string, string>
        {
            ["Im__Store__ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "im.db")}",
            ["Im__Limits__SendsPerSecond"] = "1000000",
            ["Im__Limits__SendBurst"] = "1000000",
            ["Im__Limits__MaxParallelInvocationsPerClient"] = Math.Max(4, options.Window).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in options.HubEnvironment)
        {
            environment[key] = value;
        }
        return environment;
    }

    public static string NewDataDirectory() => Directory.CreateTempSubdirectory("imsignalr-bench-").FullName;
}
