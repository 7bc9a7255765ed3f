using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Hubs;
using ImSignalR.Infrastructure.Direct;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Hub.Composition;

/// <summary>
/// Group chat (SPEC §10): the limits from <c>Im:Groups</c>, the group service, its store-direct log and the SignalR
/// group pusher. <c>IGroupStore</c> comes with the store.
/// </summary>
internal static class GroupRegistration
{
    public const string Section = "Im:Groups";

    public static IServiceCollection AddImGroups(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<GroupOptions>() ?? new GroupOptions();
        Validate(options);
        services.AddSingleton(options);
        // The direct log unless the message log registered its own (RocketMQ: the group topic).
        services.TryAddSingleton<IGroupLog>(sp => new DirectGroupLog(sp.GetRequiredService<IMessageStore>(), new DirectLogOptions(),
            sp.GetRequiredService<ILogger<DirectMessageLog>>()));
        services.AddSingleton<IGroupPusher, SignalRGroupPusher>();
        services.AddSingleton<GroupService>();
        return services;
    }

    private static void Validate(GroupOptions options)
    {
        Require(options.MaxMembersPerGroup >= 2, "MaxMembersPerGroup", "at least 2");
        Require(options.MaxGroupsPerUser >= 1, "MaxGroupsPerUser", "at least 1");
        Require(options.MaxIdsPerCall is >= 1 and <= 10_000, "MaxIdsPerCall", "1-10000");
        Require(options.MaxNameLength is >= 1 and <= 64, "MaxNameLength", "1-64 (the store's column)");
        Require(options.ReadEventsMaxMembers >= 0, "ReadEventsMaxMembers", "0 or more");
        Require(options.ReadEventInterval > TimeSpan.Zero, "ReadEventInterval", "positive");
        Require(options.MaxMembersPage is >= 1 and <= 1000, "MaxMembersPage", "1-1000");
    }

    private static void Require(bool ok, string name, string expected)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{Section}:{name} must be {expected}.");
        }
    }
}
