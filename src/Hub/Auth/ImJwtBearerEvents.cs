using System.Security.Claims;
using ImSignalR.Contracts;
using ImSignalR.Domain.Identity;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ImSignalR.Hub.Auth;

/// <summary>
/// What the hub adds to JwtBearer: the <c>access_token</c> query on the hub path only (WebSockets and
/// browsers cannot set headers there), a length bound, a <c>sub</c> that is a valid user id (SPEC
/// §3.1), a compact principal, and every refusal counted in <c>im.auth.failures{reason}</c>.
/// </summary>
internal sealed class ImJwtBearerEvents(HubMetrics metrics, ILogger<ImJwtBearerEvents> logger) : JwtBearerEvents
{
    private const string BearerPrefix = "Bearer ";

    public override Task MessageReceived(MessageReceivedContext context)
    {
        var token = ReadToken(context.Request);
        if (string.IsNullOrEmpty(token))
        {
            return Task.CompletedTask;
        }
        if (token.Length > ImJwtBearer.MaxTokenLength)
        {
            Count(TokenFailureReason.TooLong);
            context.Fail("The token is too long.");
            return Task.CompletedTask;
        }
        context.Token = token;
        return Task.CompletedTask;
    }

    public override Task TokenValidated(TokenValidatedContext context)
    {
        var sub = context.Principal?.FindFirst(ImClaims.Sub)?.Value;
        if (!UserIds.IsValid(sub))
        {
            Count(TokenFailureReason.BadSub);
            context.Fail("The token's sub is not a valid user id.");
            return Task.CompletedTask;
        }
        context.Principal = new ClaimsPrincipal(CompactIdentity(sub, context.Principal!, context.Scheme.Name));
        return Task.CompletedTask;
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        Count(TokenFailureReason.Of(context.Exception));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Only the claims the hub reads (sub, scope). The validated identity reads its claims lazily from
    /// the parsed token and so keeps the whole token alive, and a WebSocket connection holds its
    /// principal for as long as it is open: about 3 KB per idle connection.
    /// </summary>
    private static ClaimsIdentity CompactIdentity(string sub, ClaimsPrincipal validated, string scheme)
    {
        var identity = new ClaimsIdentity(scheme, ImClaims.Sub, ClaimTypes.Role);
        identity.AddClaim(new Claim(ImClaims.Sub, sub));
        foreach (var scope in validated.FindAll(ImClaims.Scope))
        {
            identity.AddClaim(new Claim(ImClaims.Scope, scope.Value));
        }
        return identity;
    }

    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }
        // A token in a URL ends up in access logs and proxies: accept it only where it is unavoidable.
        return request.Path.StartsWithSegments(HubMethods.HubPath) ? request.Query["access_token"].ToString() : null;
    }

    private void Count(string reason)
    {
        // The reason goes to the log at Debug and to a counter, never the token itself.
        AuthLog.TokenRejected(logger, reason);
        metrics.AuthFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }
}
