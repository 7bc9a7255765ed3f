using System.Net.Http.Json;

namespace ImSignalR.ConsoleChat;

/// <summary>Development tokens from the embedded hub: <c>POST /api/dev/token {"userId"}</c> → <c>{"token"}</c>.</summary>
internal sealed class DevTokens(HttpClient http, string userId)
{
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/dev/token", new { userId }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>(cancellationToken);
        return body?.Token;
    }

    private sealed record TokenBody(string Token);
}
