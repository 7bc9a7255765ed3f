using ImSignalR.Redis.State;
using ImSignalR.Redis;
using StackExchange.Redis;

namespace ImSignalR.UnitTests.Redis;

public sealed class ImRedisOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("r1:7001,r2:7002,r3:7003")]
    [InlineData("redis:6380,password=secret,ssl=true,abortConnect=true")]
    public void AStackExchangeRedisConfigurationStringIsAccepted(string configuration) =>
        Assert.Empty(new ImRedisOptions { Configuration = configuration }.Validate());

    [Theory]
    [InlineData("")]
    [InlineData("im{x}")]
    [InlineData("two words")]
    [InlineData("im}")]
    public void APrefixThatWouldMoveKeysToOtherSlotsOrIsEmptyIsRefusedByName(string prefix)
    {
        var errors = new ImRedisOptions { Prefix = prefix }.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith("Im:Redis:Prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void TheMultiplexerFailsFastNeverAbortsOnConnectAndUsesThePrefixAsChannelPrefix()
    {
        var config = RedisMultiplexer.Configure(new ImRedisOptions
        {
            Configuration = "127.0.0.1:6379,abortConnect=true,syncTimeout=60000",
            Prefix = "depa",
            CommandTimeout = TimeSpan.FromMilliseconds(750),
        });

        Assert.False(config.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, config.BacklogPolicy);
        Assert.Equal(750, config.SyncTimeout);
        Assert.Equal(750, config.AsyncTimeout);
        Assert.Equal("depa:", config.ChannelPrefix.ToString());
    }

    [Fact]
    public void EveryKeyStartsWithThePrefixAndAScriptsKeysShareOneHashTag()
    {
        var keys = new RedisKeys("depa");
        const string chat = "c2c:alice:bob";
        RedisKey[] all =
        [
            keys.PresenceUser("alice"), keys.Dedupe("alice", "k1"), keys.RetryDue, keys.RetryLease, keys.RetryPayload,
            keys.Sequence(chat), keys.SequenceMarker(chat), keys.SequenceRecovering(chat),
        ];
        Assert.All(all, k => Assert.StartsWith("depa:", k.ToString(), StringComparison.Ordinal));
        Assert.Single(new[] { keys.RetryDue, keys.RetryLease, keys.RetryPayload }.Select(k => HashTag(k.ToString())).Distinct());
        Assert.Single(new[] { keys.Sequence(chat), keys.SequenceMarker(chat), keys.SequenceRecovering(chat) }.Select(k => HashTag(k.ToString())).Distinct());
    }

    [Theory]
    [InlineData("c2c:alice:bob", "s858")]
    [InlineData("grp:1234567890", "s923")]
    public void ASequenceBucketNeverChangesSinceItIsPartOfStoredKeyNames(string chatId, string bucket) =>
        Assert.Equal(bucket, RedisKeys.SequenceBucket(chatId));

    // What Redis Cluster hashes: the part between the first '{' and the next '}', when not empty.
    private static string HashTag(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        Assert.True(close > open + 1, $"{key} has no hash tag");
        return key[(open + 1)..close];
    }
}
