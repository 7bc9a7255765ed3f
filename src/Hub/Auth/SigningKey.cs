using System.Text;
using ImSignalR.Hub.Settings;
using Microsoft.IdentityModel.Tokens;

namespace ImSignalR.Hub.Auth;

/// <summary>The HS256 key of <c>Im:Auth:SigningKey</c>, shared by validation and dev-token issuing.</summary>
internal static class SigningKey
{
    public static SymmetricSecurityKey From(AuthSettings settings) => new(Encoding.UTF8.GetBytes(settings.SigningKey));
}
