using ImSignalR.Domain.Services;
using ImSignalR.Hub.Background;

namespace ImSignalR.Hub.Composition;

/// <summary>
/// Statistics (SPEC §12): the stats query, this node's moderation hits, and the housekeeping that flushes them and
/// prunes the active-sender rows. <c>IStatsStore</c> comes with the store; <see cref="ModerationRegistration"/>
/// wraps the moderator to count hits.
/// </summary>
internal static class StatsRegistration
{
    public static IServiceCollection AddImStats(this IServiceCollection services)
    {
        services.AddSingleton<StatsService>();
        services.AddSingleton<ModerationHitCounter>();
        services.AddHostedService<StatsMaintenanceService>();
        return services;
    }
}
