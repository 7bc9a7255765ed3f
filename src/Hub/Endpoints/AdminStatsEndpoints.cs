using System.Security.Claims;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Auth;

namespace ImSignalR.Hub.Endpoints;

/// <summary>
/// <c>GET /api/admin/stats?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c> (SPEC §12): every UTC day of the range with its
/// counters, zeros for a quiet day. Needs a token (401 without) carrying the <c>im:admin</c> scope (403 with
/// <c>IM_FORBIDDEN</c> without it); a bad range is <c>IM_INVALID_ARGUMENT</c> (400).
/// </summary>
internal static class AdminStatsEndpoints
{
    public static void MapImAdminStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/stats", (string? from, string? to, ClaimsPrincipal user, StatsService stats, CancellationToken ct) =>
        {
            if (!ImClaims.HasScope(user, ImClaims.AdminScope))
            {
                return Task.FromResult(ImResults.Error(new ImException(ImErrorCode.Forbidden, $"Statistics need the '{ImClaims.AdminScope}' scope.")));
            }
            return ImResults.Run(() => stats.GetDailyStatsAsync(from, to, ct));
        }).RequireAuthorization();
    }
}
