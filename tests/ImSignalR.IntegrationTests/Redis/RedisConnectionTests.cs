using System.Collections.Concurrent;
using System.Text;
using ImSignalR.Infrastructure.Redis;

namespace ImSignalR.IntegrationTests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisConnectionTests(RedisFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SetThenGetReturnsTheValueAndMissingKeysAreNull()
    {
        await using var redis = await fixture.ConnectAsync();
        var key = RedisFixture.UniqueKey("get");
        Assert.Equal("OK", (await redis.ExecuteAsync(["SET", key, "héllo"], default).WaitAsync(Bound)).AsString());
        Assert.Equal("héllo", (await redis.ExecuteAsync(["GET", key], default).WaitAsync(Bound)).AsString());
        Assert.True((await redis.ExecuteAsync(["GET", key + ":missing"], default).WaitAsync(Bound)).IsNull);
    }

    [Fact]
    public async Task ManyConcurrentCallersEachGetTheirOwnReply()
    {
        await using var redis = await fixture.ConnectAsync();
        var prefix = RedisFixture.UniqueKey("pipe");
        const int callers = 32;
        const int perCaller = 300;
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var inflight = new List<(int I, Task<Infrastructure.Redis.Protocol.RedisValue> Get)>();
            for (var i = 0; i < perCaller; i++)
            {
                _ = redis.ExecuteAsync(["SET", $"{prefix}:{c}:{i}", $"v{c}-{i}"], default);
                inflight.Add((i, redis.ExecuteAsync(["GET", $"{prefix}:{c}:{i}"], default)));
                _ = redis.ExecuteAsync(["INCR", prefix + ":count"], default);
            }
            foreach (var (i, get) in inflight)
            {
                Assert.Equal($"v{c}-{i}", (await get).AsString());
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Bound);
        await Eventually.TrueAsync(async () => (await redis.ExecuteAsync(["GET", prefix + ":count"], default)).AsInt64() == callers * perCaller,
            "all INCRs applied");
    }

    [Fact]
    public async Task ErrorReplyThrowsAndTheConnectionStaysUsable()
    {
        await using var redis = await fixture.ConnectAsync();
        var key = RedisFixture.UniqueKey("err");
        await redis.ExecuteAsync(["SET", key, "text"], default).WaitAsync(Bound);
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => redis.ExecuteAsync(["INCR", key], default).WaitAsync(Bound));
        Assert.Equal("ERR", ex.Prefix);
        var wrongType = await Assert.ThrowsAsync<RedisServerException>(() => redis.ExecuteAsync(["LPUSH", key, "x"], default).WaitAsync(Bound));
        Assert.Equal("WRONGTYPE", wrongType.Prefix);
        Assert.Equal("PONG", (await redis.ExecuteAsync(["PING"], default).WaitAsync(Bound)).AsString());
    }

    [Fact]
    public async Task PublishedMessagesReachTheHandlerInOrderUntilUnsubscribed()
    {
        await using var redis = await fixture.ConnectAsync();
        var channel = RedisFixture.UniqueKey("chan");
        var received = new ConcurrentQueue<string>();
        var subscription = await redis.SubscribeAsync(channel, m =>
        {
            received.Enqueue(Encoding.UTF8.GetString(m.Span));
            return ValueTask.CompletedTask;
        }, default).WaitAsync(Bound);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(1, await redis.PublishAsync(channel, Encoding.UTF8.GetBytes($"m{i}"), default).WaitAsync(Bound));
        }
        await Eventually.TrueAsync(() => received.Count == 100, "100 messages");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"m{i}"), received);
        await subscription.DisposeAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(0, await redis.PublishAsync(channel, "late"u8.ToArray(), default).WaitAsync(Bound));
    }

    [Fact]
    public async Task TwoHandlersOnOneChannelBothReceiveAndTheChannelLivesUntilTheLastLeaves()
    {
        await using var redis = await fixture.ConnectAsync();
        var channel = RedisFixture.UniqueKey("shared");
        int a = 0, b = 0;
        var first = await redis.SubscribeAsync(channel, _ => { Interlocked.Increment(ref a); return ValueTask.CompletedTask; }, default);
        var second = await redis.SubscribeAsync(channel, _ => { Interlocked.Increment(ref b); return ValueTask.CompletedTask; }, default);
        await redis.PublishAsync(channel, "x"u8.ToArray(), default);
        await Eventually.TrueAsync(() => Volatile.Read(ref a) == 1 && Volatile.Read(ref b) == 1, "both handlers");
        await first.DisposeAsync();
        Assert.Equal(1, await redis.PublishAsync(channel, "y"u8.ToArray(), default));
        await Eventually.TrueAsync(() => Volatile.Read(ref b) == 2, "second handler only");
        Assert.Equal(1, Volatile.Read(ref a));
        await second.DisposeAsync();
        Assert.Equal(0, await redis.PublishAsync(channel, "z"u8.ToArray(), default));
    }

    [Fact]
    public async Task EvalShaFallsBackToScriptLoadAfterScriptFlush()
    {
        await using var redis = await fixture.ConnectAsync();
        var script = new RedisScript($"return redis.call('INCRBY', KEYS[1], ARGV[1]) -- {Guid.NewGuid():N}");
        var key = RedisFixture.UniqueKey("lua");
        Assert.Equal(5, (await redis.EvaluateAsync(script, [key], [5L], default).WaitAsync(Bound)).AsInt64());
        await redis.ExecuteAsync(["SCRIPT", "FLUSH"], default).WaitAsync(Bound);
        var exists = await redis.ExecuteAsync(["SCRIPT", "EXISTS", script.Sha1], default).WaitAsync(Bound);
        Assert.Equal(0, exists.Items[0].AsInt64());
        Assert.Equal(12, (await redis.EvaluateAsync(script, [key], [7L], default).WaitAsync(Bound)).AsInt64());
    }

    [Fact]
    public async Task CommandWithoutReplyWithinTheTimeoutFailsAndLaterCommandsStillWork()
    {
        await using var redis = await fixture.ConnectAsync("syncTimeout=300");
        var key = RedisFixture.UniqueKey("blocked");
        // BLPOP holds this connection (only) for one second.
        var blocked = redis.ExecuteAsync(["BLPOP", key, 1L], default);
        var started = Environment.TickCount64;
        await Assert.ThrowsAsync<RedisTimeoutException>(() => blocked.WaitAsync(Bound));
        Assert.InRange(Environment.TickCount64 - started, 150, 5000);
        await Eventually.TrueAsync(async () => (await redis.ExecuteAsync(["PING"], default)).AsString() == "PONG", "PING after the block");
    }

    [Fact]
    public async Task CanceledCommandCompletesAsCanceled()
    {
        await using var redis = await fixture.ConnectAsync();
        using var cts = new CancellationTokenSource();
        var blocked = redis.ExecuteAsync(["BLPOP", RedisFixture.UniqueKey("cancel"), 1L], cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Bound));
    }

    [Fact]
    public async Task UnreachableRedisFailsWithTheUnavailableException()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        var endpoint = server.Endpoint;
        await server.StopAsync();
        var config = RedisConfiguration.Parse($"{endpoint},connectTimeout=500,syncTimeout=2000");
        await using var redis = new RedisConnection(config);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await redis.ExecuteAsync(["PING"], default).WaitAsync(Bound);
                return false;
            }
            catch (RedisUnavailableException)
            {
                return true;
            }
        }, "RedisUnavailableException");
        Assert.False(redis.IsConnected);
        await Assert.ThrowsAsync<RedisUnavailableException>(() => redis.SubscribeAsync("x", _ => ValueTask.CompletedTask, default).WaitAsync(Bound));
    }

    [Fact]
    public async Task AfterARedisRestartCommandsRecoverAndEveryLiveChannelIsResubscribed()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint);
        var restored = 0;
        redis.ConnectionRestored += (_, _) => Interlocked.Increment(ref restored);
        var got = new ConcurrentBag<string>();
        var channels = Enumerable.Range(0, 3).Select(i => $"chan:{i}").ToArray();
        foreach (var c in channels)
        {
            await redis.SubscribeAsync(c, m => { got.Add(c + "=" + Encoding.UTF8.GetString(m.Span)); return ValueTask.CompletedTask; }, default);
        }
        var dropped = await redis.SubscribeAsync("chan:dropped", _ => ValueTask.CompletedTask, default);
        await dropped.DisposeAsync();

        await server.RestartAsync();

        await Eventually.TrueAsync(() => redis.IsConnected && Volatile.Read(ref restored) >= 2, "both connections restored");
        foreach (var c in channels)
        {
            Assert.Equal(1, await redis.PublishAsync(c, "after"u8.ToArray(), default).WaitAsync(Bound));
        }
        Assert.Equal(0, await redis.PublishAsync("chan:dropped", "x"u8.ToArray(), default).WaitAsync(Bound));
        await Eventually.TrueAsync(() => channels.All(c => got.Contains(c + "=after")), "messages after restart");
        Assert.Equal("PONG", (await redis.ExecuteAsync(["PING"], default).WaitAsync(Bound)).AsString());
    }

    [Fact]
    public async Task RestartsInTheMiddleOfLargePipelinedWritesNeverLeaveTheConnectionDead()
    {
        // Regression: a session that ended with bytes still unflushed made the socket's dispose throw,
        // which ended the reconnect loop: "connected", and every command timed out from then on.
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint);
        var value = new byte[256 * 1024];
        for (var restart = 0; restart < 8; restart++)
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await redis.ExecuteAsync(["SET", $"big:{w}", value], default);
                    }
                    catch (Exception ex) when (ex is RedisUnavailableException or RedisTimeoutException)
                    {
                        await Task.Delay(5);
                    }
                }
            })).ToArray();
            await Task.Delay(200);
            await server.RestartAsync();
            await Task.Delay(200);
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(Bound);

            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return (await redis.ExecuteAsync(["PING"], default).WaitAsync(Bound)).AsString() == "PONG";
                }
                catch (Exception ex) when (ex is RedisUnavailableException or RedisTimeoutException)
                {
                    return false;
                }
            }, $"commands work again after restart {restart + 1}");
        }
    }

    [Fact]
    public async Task PasswordAndDatabaseFromTheConfigurationAreApplied()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync("--requirepass", "s3cret");
        await using var db3 = await RedisFixture.ConnectAsync(server.Endpoint, "password=s3cret,defaultDatabase=3,name=itest");
        await db3.ExecuteAsync(["SET", "k", "in-db-3"], default).WaitAsync(Bound);
        await using var db0 = await RedisFixture.ConnectAsync(server.Endpoint, "password=s3cret");
        Assert.True((await db0.ExecuteAsync(["GET", "k"], default).WaitAsync(Bound)).IsNull);
        Assert.Equal("in-db-3", (await db3.ExecuteAsync(["GET", "k"], default).WaitAsync(Bound)).AsString());
        var name = await db3.ExecuteAsync(["CLIENT", "GETNAME"], default).WaitAsync(Bound);
        Assert.Equal("itest-command", name.AsString());

        await using var wrong = new RedisConnection(RedisConfiguration.Parse($"{server.Endpoint},password=nope,connectTimeout=1000"));
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await wrong.ExecuteAsync(["PING"], default).WaitAsync(Bound);
                return false;
            }
            catch (RedisUnavailableException ex)
            {
                return ex.Message.Contains("AUTH", StringComparison.Ordinal);
            }
        }, "AUTH refused");
    }
}
