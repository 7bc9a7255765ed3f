using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Bench.RelayHub;

/// <summary>
/// Dev-style identity: the bearer token IS the user id. The relay measures the ceiling of SignalR
/// itself, so it pays for no token validation. The official .NET client sends the token in the
/// <c>Authorization</c> header on WebSockets, browsers in the <c>access_token</c> query value.
/// </summary>
internal sealed class TokenUserIdProvider : IUserIdProvider
{
    private const string BearerPrefix = "Bearer ";

    public string? GetUserId(HubConnectionContext connection)
    {
        var request = connection.GetHttpContext()?.Request;
        if (request is null)
        {
            return null;
        }
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(BearerPrefix, StringComparison.Ordinal)
            ? header[BearerPrefix.Length..]
            : request.Query["access_token"].ToString();
    }
}
