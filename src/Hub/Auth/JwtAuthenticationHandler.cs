using System.Security.Claims;
using System.Text.Encodings.Web;
using ImSignalR.Domain.Identity;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ImSignalR.Hub.Auth;

/// <summary>
/// Bearer-token authentication (HS256) from the <c>Authorization</c> header or, for WebSockets and
/// browsers that cannot set headers, the <c>access_token</c> query. Stands in for JwtBearer, which
/// does not restore here; <see cref="TokenValidation"/> holds the parameters both would use.
/// </summary>
internal sealed class JwtAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "ImJwt";

    // Longer than any token we issue by far; bounds the work a hostile header can cause.
    private const int MaxTokenLength = 4096;

    private readonly TokenValidation _validation;
    private readonly HubMetrics _metrics;

    public JwtAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        TokenValidation validation,
        HubMetrics metrics)
        : base(options, logger, encoder)
    {
        _validation = validation;
        _metrics = metrics;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.Length > MaxTokenLength)
        {
            return Refuse(TokenFailureReason.TooLong, "The token is too long.");
        }

        var result = await _validation.Handler.ValidateTokenAsync(token, _validation.Parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Refuse(TokenFailureReason.Of(result.Exception), "The token is not valid.");
        }
        var sub = result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (!UserIds.IsValid(sub))
        {
            return Refuse(TokenFailureReason.BadSub, "The token's sub is not a valid user id.");
        }
        var principal = new ClaimsPrincipal(CompactIdentity(sub, result.ClaimsIdentity));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>
    /// Only the claims the hub reads (sub, scope). The validated identity reads its claims lazily from
    /// the parsed token and so keeps the whole token alive, and a WebSocket connection holds its
    /// principal for as long as it is open: about 3 KB per idle connection.
    /// </summary>
    private static ClaimsIdentity CompactIdentity(string sub, ClaimsIdentity validated)
    {
        var identity = new ClaimsIdentity(SchemeName, JwtRegisteredClaimNames.Sub, ClaimTypes.Role);
        identity.AddClaim(new Claim(JwtRegisteredClaimNames.Sub, sub));
        foreach (var scope in validated.FindAll(TokenValidation.ScopeClaim))
        {
            identity.AddClaim(new Claim(TokenValidation.ScopeClaim, scope.Value));
        }
        return identity;
    }

    private AuthenticateResult Refuse(string reason, string message)
    {
        // The reason goes to the log at Debug and to a counter, never the token itself.
        AuthLog.TokenRejected(Logger, reason);
        _metrics.AuthFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return AuthenticateResult.Fail(message);
    }

    internal static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        var query = request.Query["access_token"].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }
}
