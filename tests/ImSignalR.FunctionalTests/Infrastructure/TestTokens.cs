using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>Builds HS256 JWTs by hand, independently of the hub's token code, to probe its validation.</summary>
public static class TestTokens
{
    public const string DevKey = "imsignalr-development-signing-key-change-me-0123456789";

    public static string Create(string sub, string signingKey = DevKey, TimeSpan? lifetime = null, string audience = "imsignalr", string issuer = "imsignalr")
    {
        var now = DateTimeOffset.UtcNow;
        var exp = now + (lifetime ?? TimeSpan.FromHours(1));
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub,
            iss = issuer,
            aud = audience,
            iat = now.AddHours(-2).ToUnixTimeSeconds(),
            nbf = now.AddHours(-2).ToUnixTimeSeconds(),
            exp = exp.ToUnixTimeSeconds(),
        }));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
