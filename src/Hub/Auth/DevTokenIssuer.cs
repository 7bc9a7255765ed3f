using ImSignalR.Hub.Settings;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImSignalR.Hub.Auth;

/// <summary>Issues HS256 tokens from <c>Im:Auth</c> for <c>POST /api/dev/token</c>; JwtBearer validates them.</summary>
internal sealed class DevTokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials;
    private readonly AuthSettings _settings;
    private readonly TimeProvider _time;

    public DevTokenIssuer(IOptions<ImOptions> options, TimeProvider time)
    {
        _settings = options.Value.Auth;
        _time = time;
        _credentials = new SigningCredentials(SigningKey.From(_settings), SecurityAlgorithms.HmacSha256);
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string userId, IReadOnlyCollection<string> scopes)
    {
        var now = _time.GetUtcNow();
        var expires = now + _settings.DevTokenLifetime;
        var claims = new Dictionary<string, object> { [ImClaims.Sub] = userId };
        if (scopes.Count > 0)
        {
            claims[ImClaims.Scope] = string.Join(' ', scopes);
        }
        var token = _handler.CreateToken(new SecurityTokenDescriptor
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
}
