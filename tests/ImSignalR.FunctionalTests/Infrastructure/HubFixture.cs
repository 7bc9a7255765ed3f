namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>One embedded hub shared by a test class; tests isolate themselves with unique user ids.</summary>
public class HubFixture : IAsyncLifetime
{
    public HubProcess Hub { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        // Fast replays so retry behaviour is observable within a test.
        ["Im__Retry__DelaysSeconds"] = "1,1,1",
        ["Im__Retry__SweepInterval"] = "00:00:00.100",
    };

    public async Task InitializeAsync() => Hub = await HubProcess.StartAsync(Settings);

    public async Task DisposeAsync() => await Hub.DisposeAsync();

    public static string NewUser(string name) => $"{name}-{Guid.NewGuid():N}"[..Math.Min(40, name.Length + 33)];
}

/// <summary>A hub whose send rate limit is out of the way, for tests about something else.</summary>
public sealed class UnthrottledHubFixture : HubFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Im__Limits__SendsPerSecond"] = "10000",
        ["Im__Limits__SendBurst"] = "10000",
    };
}
