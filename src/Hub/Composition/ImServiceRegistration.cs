using System.Diagnostics.Metrics;
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
using ImSignalR.RocketMq.Service;
using ImSignalR.RocketMq;
using ImSignalR.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

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
        var section = builder.Configuration.GetSection(ImOptions.Section);
        var options = section.Get<ImOptions>() ?? new ImOptions();
        services.AddOptions<ImOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImOptions>, ImOptionsValidator>();
        // Validate now as well: composition below depends on these values being sane.
        var validation = new ImOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(ImOptions.Section, typeof(ImOptions), validation.Failures);
        }

        services.TryAddSingleton(TimeProvider.System);
        AddDomain(services, options);
        AddStore(services, options);
        AddState(services, options);
        AddMessageLog(services, options, builder.Configuration);
        services.AddImModeration(options.Moderation, options.Limits.MaxContentBytes);
        services.AddImStats();
        services.AddImGroups(builder.Configuration);
        AddAuth(services);
        AddHub(services, options, builder);
        services.AddImOperations(builder.Configuration);
        // Offline push hook (issue 20): off unless Im:Push:WebhookUrl is set.
        services.AddImPush(builder.Configuration);
        services.AddImReadinessCheck<StoreHealthCheck>("store");
        if (options.HasRole("sweeper"))
        {
            services.AddHostedService<SweeperService>();
        }
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes);
        return options;
    }

    private static void AddDomain(IServiceCollection services, ImOptions options)
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
            DedupeWindow = options.Retry.DedupeWindow,
            RecallWindow = options.Messaging.RecallWindow,
            StoreIsTheLog = !options.HasRocketMq,
            AfterCommitFault = FaultInjection.KillAfterCommit(options.Faults),
        });
        services.AddSingleton(sp => sp.GetRequiredService<IMeterFactory>().Create(MessagingMetrics.MeterName));
        services.AddSingleton(sp => new MessagingMetrics(sp.GetRequiredService<Meter>()));
        services.AddSingleton(sp => new ConnectionGauge(sp.GetRequiredService<Meter>()));
        services.AddSingleton(sp => new SnowflakeIdGenerator(NodeIdentity.Resolve(options, sp), sp.GetRequiredService<TimeProvider>()));
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

    private static void AddStore(IServiceCollection services, ImOptions options)
    {
        if (options.Store.Provider == "MySql")
        {
            services.AddImMySqlStore(options.Store.ConnectionString);
        }
        else
        {
            services.AddImSqliteStore(options.Store.ConnectionString);
        }
    }

    private static void AddMessageLog(IServiceCollection services, ImOptions options, IConfiguration configuration)
    {
        if (options.HasRocketMq)
        {
            services.AddImRocketMqMessageLog(configuration);
            services.AddImReadinessCheck<RocketMqHealthCheck>("rocketmq");
            if (options.HasRole("hub"))
            {
                services.AddHostedService<Integration.ServiceIntegrationHost>();
                services.AddImRocketMqPresenceEvents(configuration);
            }
            if (options.HasRole("consumer"))
            {
                services.AddImRocketMqPersistenceConsumer(configuration);
            }
            return;
        }
        services.AddSingleton(new DirectLogOptions());
        services.AddSingleton<IMessageLog, DirectMessageLog>();
    }

    private static void AddState(IServiceCollection services, ImOptions options)
    {
        // Cluster adapters (Redis) register themselves before this point; TryAdd keeps them.
        services.TryAddSingleton<IPresence, InProcessPresence>();
        services.TryAddSingleton<IDedupeCache, InProcessDedupeCache>();
        services.TryAddSingleton<IRetryQueue, InProcessRetryQueue>();
        services.TryAddSingleton<ISequenceCounter>(sp => new InProcessSequenceCounter(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISequenceAllocator>(sp => new SequenceAllocator(sp.GetRequiredService<ISequenceCounter>(),
            sp.GetRequiredService<IMessageStore>(), sp.GetRequiredService<IOptions<SequencingOptions>>().Value,
            sp.GetRequiredService<ILogger<SequenceAllocator>>()));
        if (!options.HasRedis)
        {
            // The in-process counters restart from the store's exact max, as they always did (no jump after a restart).
            services.Configure<SequencingOptions>(s => s.ReseedJump = 0);
        }
        services.TryAddSingleton<IBlockListChanges, LocalBlockListChanges>();
        services.TryAddSingleton<IUserDisconnects, LocalUserDisconnects>();
        services.TryAddSingleton<IPresenceEvents>(NoPresenceEvents.Instance);
        if (options.HasRedis)
        {
            services.AddImRedisClusterState(r =>
            {
                ConfigureRedis(r, options.Redis);
                // The RocketMQ log is durable before the store has the message.
                r.StoreMayLag = options.HasRocketMq;
            });
            // Without RocketMQ the store decides dedupe and seq, so a node without Redis still accepts sends.
            services.AddImReadinessCheck<RedisHealthCheck>("redis", options.HasRocketMq ? HealthStatus.Unhealthy : HealthStatus.Degraded);
            if (!options.HasRocketMq)
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

    private static void AddHub(IServiceCollection services, ImOptions options, WebApplicationBuilder builder)
    {
        services.AddSingleton<ImHubFilter>();
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
            hub.AddFilter<ImHubFilter>();
        });
        signalR.AddImMessagePackProtocol();
        if (options.HasRedis)
        {
            signalR.AddImRedisBackplane(r => ConfigureRedis(r, options.Redis));
        }
    }

    /// <summary>The backplane and the state share one multiplexer and one set of Redis options.</summary>
    private static void ConfigureRedis(ImRedisOptions redis, RedisSettings settings)
    {
        redis.Configuration = settings.Configuration!;
        redis.Prefix = settings.Prefix;
        redis.CommandTimeout = settings.CommandTimeout;
    }
}
