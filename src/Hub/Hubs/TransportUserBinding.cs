using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Binds every transport request on the hub path to the user that negotiated the connection (G7): the
/// negotiate response's token is recorded against the caller's <c>sub</c>, and a request that presents
/// a token (<c>?id=</c>: a long poll, a POST of frames, a DELETE, an SSE stream, a WebSocket or a stateful
/// reconnect) is refused with 403 unless it comes from that user; a token this node never gave out gets
/// 404, as SignalR would answer. Runs after authentication and authorization, so the user is known.
/// </summary>
internal sealed class TransportUserBinding(RequestDelegate next, ConnectionOwners owners, ILogger<TransportUserBinding> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Decided by the endpoint routing chose, not by the path's spelling: routing ignores case and a
        // trailing slash, so "/HUBS/CHAT/?id=…" reaches the same dispatcher.
        if (context.GetEndpoint() is not RouteEndpoint endpoint || endpoint.Metadata.GetMetadata<HubMetadata>() is null)
        {
            await next(context);
            return;
        }
        var userId = context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (endpoint.RoutePattern.RawText?.EndsWith("/negotiate", StringComparison.OrdinalIgnoreCase) == true)
        {
            await NegotiateAsync(context, userId);
            return;
        }
        // SignalR reads the token the same way (the query is case-insensitive; repeated ids are joined).
        var token = context.Request.Query["id"].ToString();
        if (token.Length == 0)
        {
            // No token: a WebSocket without negotiation, which is a new connection of its own.
            await next(context);
            return;
        }
        var owner = owners.OwnerOf(token);
        if (owner is not null && userId is not null && string.Equals(owner, userId, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        context.Response.ContentType = "text/plain";
        if (owner is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("No Connection with that ID");
            return;
        }
        HubLog.ForeignConnectionToken(logger, userId ?? "", owner, context.Request.Method);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.Response.WriteAsync("This connection belongs to another user.");
    }

    // SignalR writes the negotiate response in one piece with its length set: buffer it, read the
    // token it hands out, then pass it on unchanged.
    private async Task NegotiateAsync(HttpContext context, string? userId)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (context.Response.StatusCode == StatusCodes.Status200OK && userId is not null && buffer.Length > 0)
        {
            Record(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), userId);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private void Record(ReadOnlyMemory<byte> body, string userId)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("connectionId", out var id) || id.GetString() is not { Length: > 0 } connectionId)
        {
            return; // an error response ("error": unsupported version): no connection was created
        }
        // Negotiate version 0 has no separate token: the connection id is what the client presents.
        var token = root.TryGetProperty("connectionToken", out var t) && t.GetString() is { Length: > 0 } value ? value : connectionId;
        owners.Negotiated(token, connectionId, userId);
    }
}
