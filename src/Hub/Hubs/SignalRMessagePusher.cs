using ImSignalR.Contracts;
using ImSignalR.Domain.Ports;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Pushes through SignalR to a user's group (<see cref="ChatHub.UserGroup"/>), which reaches every
/// connection of the user on every node once the Redis backplane replaces the default lifetime manager;
/// nothing here knows which is in use.
/// </summary>
/// <remarks>
/// A push waits at most <see cref="WaitBound"/>: a connection whose socket is gone but which may still
/// resume (stateful reconnect) buffers pushes, and once its buffer is full SignalR's write waits until it
/// resumes or is dropped (up to 15 s). The caller — a sender's <c>SendC2C</c>, an ack — must not wait
/// for that: the message is durable and in the retry queue, and the write goes on in the background.
/// </remarks>
internal sealed class SignalRMessagePusher : IMessagePusher
{
    /// <summary>How long a caller waits for a push before leaving it to finish in the background.</summary>
    internal static readonly TimeSpan WaitBound = TimeSpan.FromMilliseconds(200);

    private readonly IHubContext<ChatHub, IChatClient> _hub;

    public SignalRMessagePusher(IHubContext<ChatHub, IChatClient> hub)
    {
        _hub = hub;
    }

    public Task PushToRecipientAsync(ImMessage message, CancellationToken cancellationToken) =>
        Bounded(_hub.Clients.Group(ChatHub.UserGroup(
            message.ToUserId ?? throw new ArgumentException("A C2C message names its recipient.", nameof(message)))).ReceiveC2C(message));

    public Task PushToSenderDevicesAsync(ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken) =>
        Bounded(exceptConnectionId is null
            ? _hub.Clients.Group(ChatHub.UserGroup(message.FromUserId)).ReceiveC2C(message)
            : _hub.Clients.GroupExcept(ChatHub.UserGroup(message.FromUserId), exceptConnectionId).ReceiveC2C(message));

    public Task PushStatusAsync(string senderUserId, IReadOnlyList<MessageStatusUpdate> events, CancellationToken cancellationToken)
    {
        var sender = _hub.Clients.Group(ChatHub.UserGroup(senderUserId));
        if (events.Count == 1)
        {
            return Bounded(sender.MessageStatus(events[0]));
        }
        // Started together, so the backplane's publishes share round trips instead of waiting for each other. One
        // ack's events are about different messages (one each), so their order carries nothing.
        var pushes = new Task[events.Count];
        for (var i = 0; i < pushes.Length; i++)
        {
            pushes[i] = sender.MessageStatus(events[i]);
        }
        return Bounded(Task.WhenAll(pushes));
    }

    public Task PushRecalledAsync(IReadOnlyList<string> userIds, MessageRecall recalled, CancellationToken cancellationToken) =>
        Bounded(_hub.Clients.Groups(userIds.Select(ChatHub.UserGroup).ToArray()).MessageRecalled(recalled));

    public Task PushTypingAsync(string toUserId, TypingNotice typing, CancellationToken cancellationToken) =>
        Bounded(_hub.Clients.Group(ChatHub.UserGroup(toUserId)).Typing(typing));

    internal static Task Bounded(Task push) => push.IsCompleted ? push : WaitBoundedAsync(push);

    private static async Task WaitBoundedAsync(Task push)
    {
        try
        {
            await push.WaitAsync(WaitBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still writing into a stalled connection: observe its outcome so a later fault is not unobserved.
            _ = push.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
