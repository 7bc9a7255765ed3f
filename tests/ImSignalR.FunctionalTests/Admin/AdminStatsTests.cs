using System.Net;
using System.Net.Http.Json;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Admin;

/// <summary>SPEC §12 <c>GET /api/admin/stats</c> on a real embedded node (SQLite, direct log).</summary>
public sealed class AdminStatsTests : IAsyncLifetime
{
    private string _words = null!;
    private HubProcess _hub = null!;

    public async Task InitializeAsync()
    {
        _words = await StatsScenario.WordsFileAsync();
        _hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["Im__Moderation__WordsFile"] = _words });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        File.Delete(_words);
    }

    [Fact]
    public async Task TheStatsOfTodayAreExactlyWhatWasSentRecalledAndRefused() => await StatsScenario.RunAsync(_hub, storeLags: false);

    [Fact]
    public async Task ATokenWithoutTheAdminScopeGets403NoTokenGets401AndABadRangeGets400()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var query = StatsScenario.Query(today, today);

        using (var forbidden = await StatsScenario.GetAsync(_hub, query, await _hub.TokenAsync("just-a-user")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal("IM_FORBIDDEN", (await forbidden.Content.ReadFromJsonAsync<ErrorBody>())!.Code);
        }
        using (var sendOnly = await StatsScenario.GetAsync(_hub, query, await _hub.TokenAsync("a-service", "im:send")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, sendOnly.StatusCode);
        }
        using (var anonymous = await StatsScenario.GetAsync(_hub, query, token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var forged = await StatsScenario.GetAsync(_hub, query, TestTokens.Create("ops-admin", signingKey: new string('x', 64))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        var admin = await _hub.TokenAsync("ops-admin", "im:admin");
        foreach (var bad in new[]
        {
            "/api/admin/stats",
            $"/api/admin/stats?from={today:yyyy-MM-dd}",
            "/api/admin/stats?from=2026-12-31&to=2026-12-01",
            "/api/admin/stats?from=2025-01-01&to=2026-12-31",
            "/api/admin/stats?from=yesterday&to=2026-12-01",
            "/api/admin/stats?from=2026-13-01&to=2026-12-01",
        })
        {
            using var response = await StatsScenario.GetAsync(_hub, bad, admin);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<ErrorBody>())!;
            Assert.Equal(("IM_INVALID_ARGUMENT", false), (body.Code, body.Retriable));
        }

        using var year = await StatsScenario.GetAsync(_hub, "/api/admin/stats?from=2028-01-01&to=2028-12-31", admin);
        Assert.Equal(HttpStatusCode.OK, year.StatusCode);
        Assert.Equal(366, (await year.Content.ReadFromJsonAsync<object[]>())!.Length);
    }

    private sealed record ErrorBody(string Code, string Message, bool Retriable);
}
