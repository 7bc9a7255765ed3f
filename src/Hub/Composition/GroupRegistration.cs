using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Hubs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        // A key that is not a setting (a misspelt Im:Groups:MaxMembers) stops the start, as in every section.
        var options = OptionsSection.Bind<GroupOptions>(configuration.GetSection(Section), Section);
        services.AddOptions<GroupOptions>().Bind(configuration.GetSection(Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GroupOptions>, GroupOptionsValidator>();
        // Validate now as well: the singleton below is what the group service reads.
        var validation = new GroupOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Section, typeof(GroupOptions), validation.Failures);
        }
        services.AddSingleton(options);
        // The direct log unless the message log registered its own (RocketMQ: the group topic).
        services.TryAddSingleton<IGroupLog>(sp => new DirectGroupLog(sp.GetRequiredService<IMessageStore>(), sp.GetRequiredService<SeqConflictResolver>(), new DirectLogOptions(),
            sp.GetRequiredService<ILogger<DirectMessageLog>>(), sp.GetRequiredService<MessagingMetrics>()));
        services.AddSingleton<IGroupPusher, SignalRGroupPusher>();
        services.AddSingleton<GroupService>();
        return services;
    }
}
