using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Bench.RelayHub;

/// <summary>
/// Dev-style identity: the <c>access_token</c> query value IS the user id. The relay measures the
/// ceiling of SignalR itself, so it pays for no token validation.
/// </summary>
internal sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.GetHttpContext()?.Request.Query["access_token"].ToString();
}
