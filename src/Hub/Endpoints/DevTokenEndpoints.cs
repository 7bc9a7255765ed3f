using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Hub.Auth;

namespace ImSignalR.Hub.Endpoints;

/// <summary><c>POST /api/dev/token</c> (SPEC §3.1): mapped only when <c>Im:Auth:DevTokens</c> is on.</summary>
internal static class DevTokenEndpoints
{
    private static readonly HashSet<string> KnownScopes = new(StringComparer.Ordinal) { ImClaims.SendScope, ImClaims.AdminScope };

    public static void MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/dev/token", (DevTokenRequest? request, DevTokenIssuer tokens) =>
        {
            if (!UserIds.IsValid(request?.UserId))
            {
                return ImResults.Error(new ImException(ImErrorCode.InvalidUserId, "'userId' must be 1-64 characters of [A-Za-z0-9_.@-]."));
            }
            var scopes = request!.Scopes ?? [];
            if (scopes.Any(s => !KnownScopes.Contains(s)))
            {
                return ImResults.Error(ImException.Invalid($"'scopes' may only contain {string.Join(", ", KnownScopes)}."));
            }
            var (token, expiresAt) = tokens.Issue(request.UserId!, scopes);
            return Results.Ok(new DevTokenResponse(token, request.UserId!, expiresAt.ToUnixTimeMilliseconds()));
        }).AllowAnonymous();
    }

    internal sealed record DevTokenRequest(string? UserId, string[]? Scopes);

    internal sealed record DevTokenResponse(string Token, string UserId, long ExpiresAt);
}
