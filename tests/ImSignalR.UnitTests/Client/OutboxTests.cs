using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;

namespace ImSignalR.UnitTests.Client;

public sealed class OutboxTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeHub _hub = new();
    private readonly List<SendResult> _accepted = [];

    private Outbox Create(int capacity = 1000) =>
        new(_hub, capacity, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), (_, r) => { lock (_accepted) { _accepted.Add(r); } });

    private static SendRequest To(string recipient, string clientMsgId) => new() { ClientMsgId = clientMsgId, ToUserId = recipient, Content = clientMsgId };

    [Fact]
    public async Task MessagesToOneRecipientAreAcceptedInCallOrderOneAtATime()
    {
        await using var outbox = Create();
        var sends = Enumerable.Range(0, 50).Select(i => outbox.SendAsync(To(i % 2 == 0 ? "bob" : "carol", $"m{i}"), default)).ToArray();
        var results = await Task.WhenAll(sends).WaitAsync(Bound);

        Assert.Equal(1, _hub.MaxConcurrentSendsPerRecipient);
        var bob = results.Where((_, i) => i % 2 == 0).ToArray();
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), bob.Select(r => r.Seq));
        Assert.Equal(50, _accepted.Count);
    }

    [Fact]
    public async Task ASendLostWithTheConnectionOrTimedOutIsResentWithTheSameClientMsgIdAndAcceptedOnce()
    {
        _hub.SendFailures.Enqueue(new ImConnectionException("lost"));
        _hub.SendFailures.Enqueue(new TimeoutException("no result"));
        _hub.SendFailures.Enqueue(new ImServerException("HubException: IM_SEND_IN_PROGRESS: busy"));
        await using var outbox = Create();

        var first = outbox.SendAsync(To("bob", "same-id"), default);
        var second = outbox.SendAsync(To("bob", "next"), default);
        var results = await Task.WhenAll(first, second).WaitAsync(Bound);

        Assert.Equal(["same-id", "same-id", "same-id", "same-id", "next"], _hub.SendAttempts.Select(a => a.ClientMsgId));
        Assert.Equal([1L, 2], results.Select(r => r.Seq));
    }

    [Fact]
    public async Task ANonRetriableRefusalFailsThatSendAndTheNextMessageStillGoes()
    {
        _hub.SendFailures.Enqueue(new ImServerException("An unexpected error occurred invoking 'SendC2C' on the server. HubException: IM_CONTENT_TOO_LARGE: too big"));
        await using var outbox = Create();

        var refused = outbox.SendAsync(To("bob", "big"), default);
        var next = outbox.SendAsync(To("bob", "small"), default);

        var error = await Assert.ThrowsAsync<ImServerException>(() => refused.WaitAsync(Bound));
        Assert.Equal("IM_CONTENT_TOO_LARGE", error.Code);
        Assert.Equal(1, (await next.WaitAsync(Bound)).Seq);
        Assert.Equal(2, _hub.SendAttempts.Count);
    }

    [Fact]
    public async Task AResendOfAnAcceptedMessageReturnsTheFirstResultMarkedDuplicate()
    {
        await using var outbox = Create();
        var first = await outbox.SendAsync(To("bob", "dup"), default).WaitAsync(Bound);
        var again = await outbox.SendAsync(To("bob", "dup"), default).WaitAsync(Bound);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.MsgId, again.MsgId);
    }

    [Fact]
    public async Task CancellingAWaitingSendCancelsItsTaskWithoutBlockingTheQueue()
    {
        for (var i = 0; i < 1000; i++)
        {
            _hub.SendFailures.Enqueue(new ImConnectionException("down"));
        }
        await using var outbox = Create();
        using var cancel = new CancellationTokenSource();
        var stuck = outbox.SendAsync(To("bob", "a"), cancel.Token);
        await Task.Delay(20);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stuck.WaitAsync(Bound));
        _hub.SendFailures.Clear();
        Assert.Equal(1, (await outbox.SendAsync(To("bob", "b"), default).WaitAsync(Bound)).Seq);
    }
}
