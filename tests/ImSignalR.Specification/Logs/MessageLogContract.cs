using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.Logs;

/// <summary>One fresh log and a view of what it made durable (the store for the direct log, the broker for RocketMQ).</summary>
public interface IMessageLogUnderTest : IAsyncDisposable
{
    IMessageLog Log { get; }

    /// <summary>Those of <paramref name="msgIds"/> that are durable, in the order they became durable.</summary>
    Task<IReadOnlyList<long>> DurableOrderAsync(IReadOnlyCollection<long> msgIds);

    /// <summary>From now on durability cannot be reached (the store or the broker refuses).</summary>
    void MakeUnavailable();
}

public interface IMessageLogFixture
{
    Task<IMessageLogUnderTest> CreateAsync();
}

/// <summary>
/// What every <see cref="IMessageLog"/> promises the send path (SPEC G1, G2): an accepted append is durable when it
/// returns, the events of one chat become durable in the order their places were taken, and a log that cannot reach
/// durability throws a retriable error and makes nothing durable.
/// </summary>
public abstract class MessageLogContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IMessageLogFixture
{
    private static long s_msgId = 9_100_000_000_000;

    [Fact]
    public async Task AnAppendedSendIsDurableWhenAppendReturns()
    {
        await using var log = await fixture.CreateAsync();
        var sent = Sent(Chat(), 1);
        var outcome = await log.Log.AppendAsync(sent, CancellationToken.None);
        Assert.Equal(AppendStatus.Appended, outcome.Status);
        Assert.Equal([sent.Message.MsgId], await log.DurableOrderAsync([sent.Message.MsgId]));
    }

    [Fact]
    public async Task TheEventsOfAChatBecomeDurableInTheOrderTheirAppendsReturned()
    {
        await using var log = await fixture.CreateAsync();
        var chat = Chat();
        var events = Enumerable.Range(1, 20).Select(seq => Sent(chat, seq)).ToList();
        foreach (var e in events.Take(10))
        {
            Assert.Equal(AppendStatus.Appended, (await log.Log.AppendAsync(e, CancellationToken.None)).Status);
        }
        // Places taken one after another, durability awaited later: the order is still the order of the places.
        var pending = new List<Task<AppendOutcome>>();
        foreach (var e in events.Skip(10))
        {
            pending.Add(await log.Log.BeginAppendAsync(e, CancellationToken.None));
        }
        Assert.All(await Task.WhenAll(pending), o => Assert.Equal(AppendStatus.Appended, o.Status));
        var ids = events.Select(e => e.Message.MsgId).ToList();
        Assert.Equal(ids, await log.DurableOrderAsync(ids));
    }

    [Fact]
    public async Task WhenDurabilityCannotBeReachedAppendThrowsARetriableErrorAndNothingIsDurable()
    {
        await using var log = await fixture.CreateAsync();
        log.MakeUnavailable();
        var sent = Sent(Chat(), 1);
        var error = await Assert.ThrowsAsync<ImException>(async () => await log.Log.AppendAsync(sent, CancellationToken.None));
        Assert.Contains(error.Code, new[] { ImErrorCode.LogUnavailable, ImErrorCode.StoreUnavailable });
        Assert.True(error.IsRetriable);
        Assert.Empty(await log.DurableOrderAsync([sent.Message.MsgId]));
    }

    private static string Chat() => $"c2c:a{Guid.NewGuid():N}:b";

    private static MessageSent Sent(string chatId, long seq)
    {
        var msgId = Interlocked.Increment(ref s_msgId);
        return new MessageSent(new ChatMessage(msgId, $"cm-{msgId}", chatId, seq, "alice", "bob", "hi", 1, null,
            1_764_000_000_000 + seq, MessageStatus.Reached));
    }
}
