using System.Diagnostics.Metrics;
using ImSignalR.Domain.Connections;
using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Auth;
using ImSignalR.Hub.Background;
using ImSignalR.Hub.Endpoints;
using ImSignalR.Hub.Hubs;
using ImSignalR.Hub.Observability;
using ImSignalR.Hub.Protocols.MessagePack;
using ImSignalR.Hub.Push;
using ImSignalR.Redis;
using ImSignalR.RocketMq;
using ImSignalR.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ImSignalR.Hub.Settings;

namespace ImSignalR.Hub.Composition;

/// <summary>
/// Composes a node from configuration alone (SPEC §2): which store, which message log, in-process or
/// Redis state. Adapters are chosen here and nowhere else.
/// </summary>
internal static class ImServiceRegistration
{
    public static ImOptions AddImSignalR(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var topology = ImTopology.From(configuration);
        services.AddSingleton(topology);
        var options = BindHubOptions(services, configuration, topology);

        services.TryAddSingleton(TimeProvider.System);
        AddDomain(services, options, topology);
        // Each adapter binds and validates its own section and registers its readiness check.
        services.AddImStorage(configuration);
        if (topology.HasRedis && !IsSharedStore(configuration))
        {
            throw new OptionsValidationException(ImSignalR.Storage.ImStoreOptions.Section, typeof(ImSignalR.Storage.ImStoreOptions),
                ["Im:Store:Provider must be MySql when Im:Redis:Configuration is set: SQLite cannot be shared by several nodes."]);
        }
        AddState(services, topology, configuration);
        AddMessageLog(services, options, topology, configuration);
        services.AddImModeration(options.Moderation, options.Limits.MaxContentBytes);
        services.AddImStats();
        services.AddImGroups(configuration);
        AddAuth(services);
        AddHub(services, options, topology);
        services.AddImOperations(configuration);
        // Offline push hook (issue 20): off unless Im:Push:WebhookUrl is set.
        services.AddImPush(configuration);
        if (options.HasRole("sweeper"))
        {
            services.AddHostedService<SweeperService>();
        }
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes);
        return options;
    }

    /// <summary>The keys directly under <c>Im</c>: the Hub's own, then the sections each adapter and feature binds.</summary>
    private static readonly string[] RootKeys =
    [
        nameof(ImOptions.NodeId), nameof(ImOptions.Roles), nameof(ImOptions.Auth), nameof(ImOptions.Limits), nameof(ImOptions.Retry),
        nameof(ImOptions.Faults), nameof(ImOptions.Moderation), nameof(ImOptions.Messaging),
        LastPart(ImSignalR.Storage.ImStoreOptions.Section), LastPart(ImRedisOptions.Section), LastPart(RocketMqServiceCollectionExtensions.SectionName),
        LastPart(GroupRegistration.Section), LastPart(PushOptions.Section),
    ];

    private static string LastPart(string section) => section[(section.LastIndexOf(':') + 1)..];

    /// <summary>
    /// The Hub's own sections: unknown keys in each stop the start, then the whole <c>Im</c> section is validated now
    /// (composition below depends on these values) and again on start.
    /// </summary>
    private static ImOptions BindHubOptions(IServiceCollection services, IConfiguration configuration, ImTopology topology)
    {
        OptionsSection.RequireKnownKeys(configuration.GetSection(ImOptions.Section), ImOptions.Section, RootKeys);
        OptionsSection.Bind<AuthSettings>(configuration.GetSection("Im:Auth"), "Im:Auth");
        OptionsSection.Bind<LimitSettings>(configuration.GetSection("Im:Limits"), "Im:Limits");
        OptionsSection.Bind<RetrySettings>(configuration.GetSection("Im:Retry"), "Im:Retry");
        OptionsSection.Bind<FaultSettings>(configuration.GetSection("Im:Faults"), "Im:Faults");
        OptionsSection.Bind<ModerationSettings>(configuration.GetSection("Im:Moderation"), "Im:Moderation");
        OptionsSection.Bind<MessagingSettings>(configuration.GetSection("Im:Messaging"), "Im:Messaging");
        var section = configuration.GetSection(ImOptions.Section);
        var validator = new ImOptionsValidator(topology);
        var options = section.Get<ImOptions>() ?? new ImOptions();
        var validation = validator.Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(ImOptions.Section, typeof(ImOptions), validation.Failures);
        }
        services.AddOptions<ImOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImOptions>>(validator);
        return options;
    }

    private static bool IsSharedStore(IConfiguration configuration) =>
        (configuration.GetSection(ImSignalR.Storage.ImStoreOptions.Section).Get<ImSignalR.Storage.ImStoreOptions>() ?? new()).IsShared;

    private static void AddDomain(IServiceCollection services, ImOptions options, ImTopology topology)
    {
        ImOptionsValidator.TryParseDelays(options.Retry.DelaysSeconds, out var delays);
        var limits = options.Limits;
        services.AddSingleton(new MessagingOptions
        {
            MaxContentBytes = limits.MaxContentBytes,
            MaxExtBytes = limits.MaxExtBytes,
            MaxPageSize = limits.MaxPageSize,
            DefaultPageSize = limits.DefaultPageSize,
            MaxAckIds = limits.MaxAckIds,
            RetryDelays = delays,
            RetryLease = options.Retry.Lease,
            RetryClaimBatch = options.Retry.ClaimBatch,
            DedupeWindow = options.Retry.DedupeWindow,
            DedupePendingTtl = options.Retry.DedupePendingTtl,
            RecallWindow = options.Messaging.RecallWindow,
            StoreIsTheLog = !topology.HasRocketMq,
            AfterCommitFault = FaultInjection.KillAfterCommit(options.Faults),
        });
        services.AddSingleton(sp => sp.GetRequiredService<IMeterFactory>().Create(MessagingMetrics.MeterName));
        services.AddSingleton(sp => new MessagingMetrics(sp.GetRequiredService<Meter>()));
        services.AddSingleton(sp => new ConnectionGauge(sp.GetRequiredService<Meter>()));
        services.AddSingleton(sp => new SnowflakeIdGenerator(NodeIdentity.Resolve(options, topology, sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OfflineMarker>();
        services.AddSingleton<BlockService>();
        services.AddSingleton<LiveStatusService>();
        services.AddSingleton<RecallService>();
        services.AddSingleton<SendService>();
        services.AddSingleton<AckService>();
        services.AddSingleton<QueryService>();
        services.AddSingleton<RetrySweeper>();
        services.AddSingleton<IMessagePusher, SignalRMessagePusher>();
    }

    private static void AddMessageLog(IServiceCollection services, ImOptions options, ImTopology topology, IConfiguration configuration)
    {
        // What a log does when the store refuses a seq: every log that can meet one (the direct logs, the group topic).
        services.AddSingleton<SeqConflictResolver>();
        if (topology.HasRocketMq)
        {
            services.AddImRocketMq(configuration, persistenceConsumer: options.HasRole("consumer"), serviceIntegration: options.HasRole("hub"));
            return;
        }
        services.AddSingleton(new DirectLogOptions());
        services.AddSingleton<IMessageLog, DirectMessageLog>();
    }

    private static void AddState(IServiceCollection services, ImTopology topology, IConfiguration configuration)
    {
        // Cluster adapters (Redis) register themselves before this point; TryAdd keeps them.
        services.TryAddSingleton<IPresence, InProcessPresence>();
        services.TryAddSingleton<IDedupeCache, InProcessDedupeCache>();
        services.TryAddSingleton<IRetryQueue, InProcessRetryQueue>();
        services.TryAddSingleton<ISequenceCounter>(sp => new InProcessSequenceCounter(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISequenceAllocator>(sp => new SequenceAllocator(sp.GetRequiredService<ISequenceCounter>(),
            sp.GetRequiredService<IMessageStore>(), sp.GetRequiredService<IOptions<SequencingOptions>>().Value,
            sp.GetRequiredService<ILogger<SequenceAllocator>>()));
        if (!topology.HasRedis)
        {
            // The in-process counters restart from the store's exact max, as they always did (no jump after a restart).
            services.Configure<SequencingOptions>(s => s.ReseedJump = 0);
        }
        services.TryAddSingleton<IBlockListChanges, LocalBlockListChanges>();
        services.TryAddSingleton<IUserDisconnects, LocalUserDisconnects>();
        services.TryAddSingleton<IPresenceEvents>(NoPresenceEvents.Instance);
        if (topology.HasRedis)
        {
            // The RocketMQ log is durable before the store has the message. Without RocketMQ the store decides dedupe
            // and seq, so a node without Redis still accepts sends: Redis down is then only Degraded.
            services.AddImRedis(configuration, r => r.StoreMayLag = topology.HasRocketMq,
                topology.HasRocketMq ? HealthStatus.Unhealthy : HealthStatus.Degraded);
            if (!topology.HasRocketMq)
            {
                // The store is the log: it can allocate seqs while Redis is away (issue 14).
                var cluster = services.Last(d => d.ServiceType == typeof(ISequenceAllocator));
                services.Replace(ServiceDescriptor.Singleton<ISequenceAllocator>(sp => new StoreFallbackSequenceAllocator(
                    (ISequenceAllocator)cluster.ImplementationFactory!(sp), sp.GetRequiredService<IMessageStore>(),
                    sp.GetRequiredService<MessagingMetrics>(), sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<StoreFallbackSequenceAllocator>>())));
            }
        }
    }

    private static void AddAuth(IServiceCollection services)
    {
        services.AddImJwtBearer();
        services.AddAuthorization();
        services.AddSingleton<IUserIdProvider, SubClaimUserIdProvider>();
    }

    private static void AddHub(IServiceCollection services, ImOptions options, ImTopology topology)
    {
        services.AddSingleton(sp => new ConnectionAdmission(sp.GetRequiredService<IPresence>(), options.Limits.MaxConnectionsPerUser));
        services.AddSingleton<ErrorMappingHubFilter>();
        services.AddSingleton<MetricsHubFilter>();
        services.AddSingleton<DrainGateHubFilter>();
        services.AddSingleton<RateLimitHubFilter>();
        services.AddSingleton<ConnectionOwnersHubFilter>();
        services.AddSingleton<ConnectionOwners>();
        services.AddSingleton<UserDisconnector>();
        services.AddHostedService(sp => sp.GetRequiredService<UserDisconnector>());
        services.AddSingleton<SilentConnectionWatchdog>();
        var signalR = services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = options.Limits.MaxHubMessageBytes;
            hub.MaximumParallelInvocationsPerClient = options.Limits.MaxParallelInvocationsPerClient;
            hub.ClientTimeoutInterval = options.Limits.ClientTimeout;
            hub.EnableDetailedErrors = false;
            // The first filter added is the outermost. Error mapping wraps everything, so whatever a filter or the hub
            // throws leaves as a HubException with its IM_ code; metrics sits inside it to count the ImException by its
            // code (not by parsing the mapped text), refusals of the gates below included; the drain gate comes before
            // the rate limit, so a stopping node refuses without spending the caller's send token and the drain waits
            // for every invocation that got past it. The owners filter needs no particular place (it acts only once admitted).
            hub.AddFilter<ErrorMappingHubFilter>();
            hub.AddFilter<MetricsHubFilter>();
            hub.AddFilter<DrainGateHubFilter>();
            hub.AddFilter<RateLimitHubFilter>();
            hub.AddFilter<ConnectionOwnersHubFilter>();
        });
        signalR.AddImMessagePackProtocol();
        if (topology.HasRedis)
        {
            // Shares the options AddImRedis bound and the one multiplexer.
            signalR.AddImRedisBackplane();
        }
    }
}
