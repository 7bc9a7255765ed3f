using ImSignalR.Hub.Settings;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImSignalR.Hub.Auth;

/// <summary>
/// JwtBearer configured from <c>Im:Auth</c>: HS256 only, issuer and audience checked, an expiry
/// required, <c>sub</c> kept as <c>sub</c>, nothing about the failure in <c>WWW-Authenticate</c>,
/// and the token not saved in the ticket. <see cref="ImJwtBearerEvents"/> adds what JwtBearer does not.
/// </summary>
internal static class ImJwtBearer
{
    /// <summary>Longer than any token we issue by far; bounds the work a hostile header can cause.</summary>
    public const int MaxTokenLength = 4096;

    public static IServiceCollection AddImJwtBearer(this IServiceCollection services)
    {
        services.AddSingleton<DevTokenIssuer>();
        services.AddSingleton<ImJwtBearerEvents>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ImOptions>>((jwt, im) => Configure(jwt, im.Value.Auth));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        return services;
    }

    private static void Configure(JwtBearerOptions jwt, AuthSettings settings)
    {
        jwt.MapInboundClaims = false;
        jwt.SaveToken = false;
        jwt.IncludeErrorDetails = false;
        jwt.EventsType = typeof(ImJwtBearerEvents);
        jwt.TokenHandlers.Clear();
        // The events refuse longer tokens first (to count them); this is the handler's own bound.
        jwt.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = MaxTokenLength });
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = SigningKey.From(settings),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = settings.ClockSkew,
            NameClaimType = ImClaims.Sub,
        };
    }
}
