using ImSignalR.Domain.Services;
using ImSignalR.Hub.Composition;
using ImSignalR.Hub.Settings;
using ImSignalR.Hub.Endpoints;
using ImSignalR.Redis;
using ImSignalR.RocketMq;
using ImSignalR.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImSignalR.UnitTests.Composition;

/// <summary>One options regime (issue 15): each section is bound by its owner, and a wrong value or key stops the start naming the key.</summary>
public sealed class OptionsRegimeTests
{
    private const string SecretKey = "a-secret-signing-key-for-the-options-tests-0123456789";

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static WebApplicationBuilder Builder(params (string Key, string? Value)[] values)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(
            new[] { ("Im:Store:ConnectionString", (string?)"Data Source=:memory:") }.Concat(values)
                .Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2)));
        return builder;
    }

    [Fact]
    public void AWrongStoreProviderStopsTheStartNamingTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddImStorage(Config(("Im:Store:Provider", "Postgres"))));
        Assert.Contains("Im:Store:Provider must be Sqlite or MySql", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownStoreKeyStopsTheStartNamingTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddImStorage(Config(("Im:Store:Conection", "Data Source=:memory:"))));
        Assert.Contains("Im:Store:Conection is not a setting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongRedisValueStopsTheStartNamingTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddImRedis(Config(
            ("Im:Redis:Configuration", "127.0.0.1:6379"), ("Im:Redis:NodeIdLeaseTtl", "00:10:00"))));
        Assert.Contains("Im:Redis:NodeIdLeaseTtl must be between 1 s and 5 minutes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRedisSettingIsBoundFromItsSection()
    {
        var services = new ServiceCollection().AddImRedis(Config(
            ("Im:Redis:Configuration", "127.0.0.1:6379"), ("Im:Redis:Prefix", "depb"), ("Im:Redis:CommandTimeout", "00:00:02"),
            ("Im:Redis:PresenceLeaseTtl", "00:00:20"), ("Im:Redis:NodeIdLeaseTtl", "00:00:30"), ("Im:Redis:KeepAlive", "00:00:05")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ImRedisOptions>>().Value;

        Assert.Equal("depb", options.Prefix);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), options.PresenceLeaseTtl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.NodeIdLeaseTtl);
        Assert.Equal(TimeSpan.FromSeconds(5), options.KeepAlive);
    }

    [Fact]
    public void AnUnknownRocketMqKeyStopsTheStartNamingTheNestedKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddImRocketMq(Config(
            ("Im:RocketMq:NameServer", "127.0.0.1:9876"), ("Im:RocketMq:Service:Enable", "true")), persistenceConsumer: false, serviceIntegration: false));
        Assert.Contains("Im:RocketMq:Service:Enable is not a setting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongRocketMqValueStopsTheHostNamingTheKey()
    {
        var services = new ServiceCollection().AddImRocketMq(Config(
            ("Im:RocketMq:NameServer", "127.0.0.1:9876"), ("Im:RocketMq:PullTimeout", "00:00:16")), persistenceConsumer: false, serviceIntegration: false);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RocketMqOptions>>().Value);
        Assert.Contains("Im:RocketMq:PullTimeout must exceed PullSuspendTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Im:Retry:ClaimBatch", "0", "Im:Retry:ClaimBatch must be between 1 and 10000")]
    [InlineData("Im:Retry:DedupePendingTtl", "2.00:00:00", "Im:Retry:DedupePendingTtl must be positive and at most Im:Retry:DedupeWindow")]
    [InlineData("Im:Limits:MaxPageSize", "0", "Im:Limits:MaxPageSize must be positive")]
    [InlineData("Im:Auth:SigningKey", "short", "Im:Auth:SigningKey must be at least 32 bytes")]
    [InlineData("Im:Moderation:Mode", "shout", "Im:Moderation:Mode must be reject or mask")]
    [InlineData("Im:Messaging:RecallWindow", "-00:00:01", "Im:Messaging:RecallWindow must not be negative")]
    [InlineData("Im:Faults:KillAfterCommitClientMsgIdPrefix", "kill", "Im:Faults:KillAfterCommitClientMsgIdPrefix must be at least 8 characters")]
    [InlineData("Im:Roles", "hub,web", "Im:Roles must list one or more of hub, sweeper, consumer")]
    [InlineData("Im:NodeId", "2048", "Im:NodeId must be between 0 and 1023")]
    [InlineData("Im:Groups:MaxIdsPerCall", "0", "Im:Groups:MaxIdsPerCall must be between 1 and 10000")]
    [InlineData("Im:Limits:MaxPagSize", "10", "Im:Limits:MaxPagSize is not a setting")]
    [InlineData("Im:Retry:ClaimBatchSize", "10", "Im:Retry:ClaimBatchSize is not a setting")]
    [InlineData("Im:Retyr:ClaimBatch", "10", "Im:Retyr is not a setting; the settings are Auth, Faults, Groups, Limits")]
    [InlineData("Im:Nodeid2", "3", "Im:Nodeid2 is not a setting")]
    [InlineData("Im:Push:WebhookUrll", "http://x", "Im:Push:WebhookUrll is not a setting")]
    public void AWrongHubSettingStopsTheStartNamingTheKey(string key, string value, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Builder((key, value)).AddImSignalR());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BothLogsResolveInEachTopologyWithTheConflictResolverTheyNeed(bool rocketMq)
    {
        // CI caught this once: the resolver was registered only for the direct log, and RocketMQ nodes did not start.
        var builder = rocketMq
            ? Builder(("Im:Store:Provider", "MySql"), ("Im:RocketMq:NameServer", "127.0.0.1:1"), ("Im:Auth:SigningKey", SecretKey))
            : Builder();
        if (rocketMq)
        {
            builder.Configuration["Im:Store:ConnectionString"] = "Server=127.0.0.1;Port=1;Uid=x;Pwd=x;Database=x";
        }
        builder.AddImSignalR();
        await using var provider = builder.Services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<ImSignalR.Domain.Ports.IMessageLog>());
        Assert.Equal(rocketMq ? "RocketMqGroupLog" : "DirectGroupLog", provider.GetRequiredService<ImSignalR.Domain.Ports.IGroupLog>().GetType().Name);
    }

    [Fact]
    public void ASqliteStoreWithRedisStopsTheStart()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Builder(
            ("Im:Redis:Configuration", "127.0.0.1:6379"), ("Im:Auth:SigningKey", SecretKey)).AddImSignalR());
        Assert.Contains("Im:Store:Provider must be MySql when Im:Redis:Configuration is set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRetrySettingsThatWereFixedReachTheDomain()
    {
        var builder = Builder(("Im:Retry:ClaimBatch", "64"), ("Im:Retry:DedupePendingTtl", "00:00:07"));
        builder.AddImSignalR();
        using var provider = builder.Services.BuildServiceProvider();

        var messaging = provider.GetRequiredService<MessagingOptions>();

        Assert.Equal(64, messaging.RetryClaimBatch);
        Assert.Equal(TimeSpan.FromSeconds(7), messaging.DedupePendingTtl);
    }

    [Fact]
    public void TheStoreRegistersItsReadinessCheckWithTheTagTheHubSelects()
    {
        var builder = Builder();
        builder.AddImSignalR();
        using var provider = builder.Services.BuildServiceProvider();

        var checks = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        var store = Assert.Single(checks, c => c.Name == "store");
        Assert.Contains(HealthEndpoints.ReadyTag, store.Tags);
        Assert.Equal(HealthEndpoints.ReadyTag, RedisConfigurationExtensions.ReadyTag);
        Assert.Equal(HealthEndpoints.ReadyTag, RocketMqConfigurationExtensions.ReadyTag);
        Assert.Equal(HealthEndpoints.ReadyTag, StorageServiceCollectionExtensions.ReadyTag);
    }
}
