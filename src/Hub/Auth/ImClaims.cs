using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ImSignalR.Hub.Auth;

/// <summary>The claims the hub reads from a token: <c>sub</c> (the user id) and <c>scope</c>.</summary>
internal static class ImClaims
{
    public const string Sub = JwtRegisteredClaimNames.Sub;
    public const string Scope = "scope";
    public const string SendScope = "im:send";

    /// <summary>Statistics and administration (SPEC §12): stats, a user's connections, disconnecting them.</summary>
    public const string AdminScope = "im:admin";

    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll(Scope).Any(c => c.Value.Split(' ').Contains(scope, StringComparer.Ordinal));
}
