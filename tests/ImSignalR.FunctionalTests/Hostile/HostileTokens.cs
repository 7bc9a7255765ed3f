using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>Every kind of bad token the hostile suite throws at negotiate, connect and REST.</summary>
public static class HostileTokens
{
    public static string? For(string kind, string sub) => kind switch
    {
        "missing" => null,
        "expired" => TestTokens.Create(sub, lifetime: TimeSpan.FromMinutes(-10)),
        "wrong-signature" => TestTokens.Create(sub, signingKey: "a-completely-different-signing-key-0123456789abcdef"),
        "wrong-audience" => TestTokens.Create(sub, audience: "someone-else"),
        "wrong-issuer" => TestTokens.Create(sub, issuer: "evil-issuer"),
        "alg-none" => Unsigned(sub),
        "malformed" => "not.a.jwt",
        // Validly signed, but over the 4 KB bound: refused before it is parsed.
        "too-long" => Signed(sub, new string('p', 5000)),
        // Validly signed, but its sub is not a user id (SPEC §3.1).
        "bad-sub" => TestTokens.Create("mallory/../" + sub + " !"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The label <c>im.auth.failures</c> uses for the kind (null: no token, so no auth failure).</summary>
    public static string? Reason(string kind) => kind switch
    {
        "missing" => null,
        "expired" => "expired",
        "wrong-signature" => "signature",
        "wrong-audience" => "audience",
        "wrong-issuer" => "issuer",
        "too-long" => "too_long",
        "bad-sub" => "bad_sub",
        _ => "", // alg=none and garbage: any reason, as long as one is counted
    };

    private static string Unsigned(string sub) => Token("none", sub, padding: null) + ".";

    private static string Signed(string sub, string padding)
    {
        var unsigned = Token("HS256", sub, padding);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.DevKey), Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url(signature);
    }

    /// <summary>Header and payload of a token with the dev issuer and audience, valid now; no signature.</summary>
    private static string Token(string alg, string sub, string? padding)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub,
            iss = "imsignalr",
            aud = "imsignalr",
            nbf = now.AddMinutes(-1).ToUnixTimeSeconds(),
            exp = now.AddHours(1).ToUnixTimeSeconds(),
            padding,
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
        return header + "." + payload;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
