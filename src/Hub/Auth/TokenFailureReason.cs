using Microsoft.IdentityModel.Tokens;

namespace ImSignalR.Hub.Auth;

/// <summary>A small, fixed set of reasons for the <c>im.auth.failures</c> label and the Debug log (never the token).</summary>
internal static class TokenFailureReason
{
    public const string TooLong = "too_long";
    public const string BadSub = "bad_sub";

    public static string Of(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException => "expired",
        SecurityTokenInvalidAudienceException => "audience",
        SecurityTokenInvalidIssuerException => "issuer",
        SecurityTokenInvalidAlgorithmException => "algorithm",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "signature",
        SecurityTokenMalformedException or ArgumentException => "malformed",
        _ => "invalid",
    };
}
