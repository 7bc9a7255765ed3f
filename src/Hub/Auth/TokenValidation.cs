using System.Security.Claims;
using System.Text;
using ImSignalR.Hub.Composition;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImSignalR.Hub.Auth;

/// <summary>HS256 signing key, validation parameters and token issuing, built once from <c>Im:Auth</c>.</summary>
internal sealed class TokenValidation
{
    public const string ScopeClaim = "scope";
    public const string SendScope = "im:send";

    private readonly SigningCredentials _credentials;
    private readonly AuthSettings _settings;
    private readonly TimeProvider _time;

    public TokenValidation(IOptions<ImOptions> options, TimeProvider time)
    {
        _settings = options.Value.Auth;
        _time = time;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_settings.SigningKey));
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        Handler = new JsonWebTokenHandler { MapInboundClaims = false };
        Parameters = new TokenValidationParameters
        {
            ValidIssuer = _settings.Issuer,
            ValidAudience = _settings.Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = _settings.ClockSkew,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    }

    public JsonWebTokenHandler Handler { get; }

    public TokenValidationParameters Parameters { get; }

    /// <summary>Issues a token for <paramref name="userId"/> (dev tokens and tests).</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(string userId, IReadOnlyCollection<string> scopes, TimeSpan? lifetime = null)
    {
        var now = _time.GetUtcNow();
        var expires = now + (lifetime ?? _settings.DevTokenLifetime);
        var claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = userId };
        if (scopes.Count > 0)
        {
            claims[ScopeClaim] = string.Join(' ', scopes);
        }
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _settings.Issuer,
            Audience = _settings.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });
        return (token, expires);
    }

    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll(ScopeClaim).Any(c => c.Value.Split(' ').Contains(scope, StringComparer.Ordinal));
}
