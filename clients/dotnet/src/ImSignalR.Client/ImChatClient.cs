using System.Threading.Channels;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;
using ImSignalR.Client.Connections;
using ImSignalR.Client.State;

namespace ImSignalR.Client;

/// <summary>
/// The ImSignalR chat client: the hub methods of SPEC §3.3 and its events, made reliable.
/// <list type="bullet">
/// <item>Reconnects by itself after the first <see cref="ConnectAsync"/> (exponential backoff with
/// jitter, a fresh token from the provider on each attempt) until disposed; see <see cref="StateChanged"/>.</item>
/// <item>After every (re)connect it syncs what it missed; incoming messages reach the app once each, in
/// seq order per conversation (<see cref="MessageReceived"/> and <see cref="Messages"/>), and are acked
/// <c>Delivered</c> in batches.</item>
/// <item><see cref="SendC2CAsync"/> goes through an outbox that resends with the same <c>clientMsgId</c>
/// until the server confirms, in order per conversation.</item>
/// </list>
/// </summary>
public sealed partial class ImChatClient : IAsyncDisposable
{
    private readonly ImChatClientOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly InboxSettings _inboxSettings;
    private readonly Inbox _inbox;
    private readonly Outbox _outbox;
    private readonly AckBatcher _acks;
    private readonly ReleaseQueue<ImMessage> _released;
    // Status and typing events share one bounded queue and one pump (both advisory: the oldest go when full).
    private readonly Channel<object> _statuses;
    private readonly Dictionary<string, long> _typingSentAt = new(StringComparer.Ordinal);
    private const long TypingIntervalMs = 2000;
    private readonly Lazy<Channel<ImMessage>> _messages;
    private readonly Task _pump;
    private readonly Task _statusPump;
    private readonly Task _groupTails;
    private string? _userId;
    private readonly Lazy<Task> _restored;
    private ProgressWriter? _progress;

    /// <summary>Creates a client; call <see cref="ConnectAsync"/> to open it.</summary>
    /// <exception cref="ArgumentException">An option is out of range or the protocol is unknown.</exception>
    public ImChatClient(ImChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _messages = new(() => Channel.CreateBounded<ImMessage>(new BoundedChannelOptions(options.MessageBufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        }));
        _inboxSettings = new InboxSettings { DedupeCapacity = options.DedupeCapacity, SyncPageSize = options.SyncPageSize, HoleRetryDelays = [.. options.HoleRetryDelays] };
        _released = new ReleaseQueue<ImMessage>(options.ReleaseQueueCapacity);
        // Status events are advisory (history and conversations carry the same state): when the app
        // does not keep up, the oldest go.
        _statuses = Channel.CreateBounded<object>(new BoundedChannelOptions(options.StatusQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        if (options.StateStore is not null)
        {
            _userId = options.UserId;
        }
        _inbox = new Inbox(_inboxSettings, this, _released.Write, AckIfToMe, () => Volatile.Read(ref _userId), _stopping.Token)
        {
            WaitForRoom = _released.WaitForRoomAsync,
        };
        _acks = new AckBatcher(this, options.AckFlushInterval, options.SendRetryInitialDelay, options.AckQueueCapacity);
        _outbox = new Outbox(this, options.OutboxCapacity, options.SendRetryInitialDelay, options.SendRetryMaxDelay, OnAccepted)
        {
            Store = options.StateStore,
            StoreUserId = options.UserId,
        };
        _restored = new Lazy<Task>(RestoreAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        _pump = Task.Run(PumpAsync);
        _statusPump = Task.Run(PumpStatusesAsync);
        _groupTails = Task.Run(CheckGroupTailsAsync);
    }

    /// <summary>A new message for the app: once per msgId, in seq order per conversation (with
    /// <see cref="ImChatClientOptions.ReliableInbox"/> off: every push as it arrives). Handlers run one
    /// at a time; a handler that throws does not stop the client.</summary>
    public event Func<ImMessage, Task>? MessageReceived;

    /// <summary>The recipient acked one of this user's messages (<c>Delivered</c> or <c>Read</c>).</summary>
    public event Func<MessageStatusUpdate, Task>? StatusReceived;

    /// <summary>The other participant of a conversation is typing (the hub sends at most one per chat per 2 s).
    /// Advisory: queued with the status events, the oldest dropped when the app does not keep up.</summary>
    public event Func<TypingNotice, Task>? TypingReceived;

    /// <summary>A message of one of this user's conversations was recalled (queued with the status events).</summary>
    public event Func<MessageRecall, Task>? MessageRecalled;

    /// <summary>A member's read cursor in one of this user's groups moved (<c>GroupRead</c>, coalesced by the hub to one
    /// per reader per second, in groups up to 500 members). Queued with the status events.</summary>
    public event Func<GroupReadNotice, Task>? GroupReadReceived;

    /// <summary>The connection state changed (connected, lost and reconnecting, reconnected, disposed).</summary>
    public event Action<ImConnectionStateChange>? StateChanged;

    /// <summary>The same messages as <see cref="MessageReceived"/>, for a reader loop. Buffering starts
    /// at the first access, so read it before <see cref="ConnectAsync"/> to see everything.</summary>
    public ChannelReader<ImMessage> Messages => _messages.Value.Reader;

    /// <summary>The current state.</summary>
    public ImConnectionState State { get; private set; } = ImConnectionState.Disconnected;

    /// <summary>True while a connection is open.</summary>
    public bool IsConnected => CurrentCalls is { IsConnected: true };

    /// <summary>The user id (<c>sub</c>) of the last token used, when the token is a JWT.</summary>
    public string? UserId => Volatile.Read(ref _userId);

    /// <summary>Drops the current connection's socket without a close handshake, as a lost network
    /// does (tests of reconnect use it).</summary>
    internal void AbortConnection() => (CurrentCalls ?? throw new ImConnectionException("Not connected.")).Abort();

    /// <summary>One raw call on the current connection, with no retry (tests of the server's answers).</summary>
    internal Task<T> InvokeRawAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken = default) =>
        (CurrentCalls ?? throw new ImConnectionException("Not connected.")).InvokeAsync<T>(method, arguments, cancellationToken);

    /// <summary>SendC2C calls made by the outbox, resends included.</summary>
    internal long SendAttempts => _outbox.Attempts;

    /// <summary>Ids the ack batcher got confirmed.</summary>
    internal long AckedCount => _acks.AckedCount;

    /// <summary>Reads <see cref="Messages"/> as an async stream.</summary>
    public IAsyncEnumerable<ImMessage> ReadMessagesAsync(CancellationToken cancellationToken = default) =>
        Messages.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _connected.TrySetCanceled(_stopping.Token);
        var calls = CurrentCalls;
        if (calls is not null)
        {
            await calls.DisposeAsync().ConfigureAwait(false);
        }
        await _outbox.DisposeAsync().ConfigureAwait(false);
        await _acks.DisposeAsync().ConfigureAwait(false);
        _released.Complete();
        _statuses.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        await _statusPump.ConfigureAwait(false);
        await _groupTails.ConfigureAwait(false);
        if (_progress is not null)
        {
            await _progress.DisposeAsync().ConfigureAwait(false);
        }
        if (_messages.IsValueCreated)
        {
            _messages.Value.Writer.TryComplete();
        }
        SetState(ImConnectionState.Disconnected, null);
        _stopping.Dispose();
    }

    private async Task PumpAsync()
    {
        while (await _released.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_released.TryRead(out var message))
            {
                await RaiseAsync(MessageReceived, message).ConfigureAwait(false);
                if (_messages.IsValueCreated)
                {
                    try
                    {
                        await _messages.Value.Writer.WriteAsync(message, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                if (_options.ReliableInbox)
                {
                    AckIfToMe(message);
                    // Only now: a cursor stored past a message the app has not handled would lose it in a crash.
                    _progress?.Handled(message.ChatId, message.Seq, message.MsgId);
                }
            }
        }
    }

    private void OnAccepted(OutgoingMessage request, SendResult result)
    {
        _inbox.OnOwnSend(request.ClientMsgId, result);
        _progress?.Seen(result.MsgId);
    }

    /// <summary>
    /// Loads the stored state once, before the first connection or send: cursors and the dedupe window
    /// into the inbox (the first sync starts from them), unconfirmed sends into the outbox (sent first,
    /// in their stored order, with their stored clientMsgIds).
    /// </summary>
    private async Task RestoreAsync()
    {
        var store = _options.StateStore;
        if (store is null)
        {
            return;
        }
        var userId = _options.UserId!;
        var state = await store.LoadAsync(userId, _options.DedupeCapacity, _stopping.Token).ConfigureAwait(false);
        _inbox.Restore(state.Cursors, state.SeenMsgIds);
        foreach (var request in state.Outbox)
        {
            _inbox.ExpectOwn(request.ClientMsgId!);
        }
        foreach (var request in state.GroupOutbox)
        {
            _inbox.ExpectOwn(request.ClientMsgId!);
        }
        _outbox.Restore(state.Outbox);
        _outbox.Restore(state.GroupOutbox);
        _progress = new ProgressWriter(store, userId, _options.DedupeCapacity, _options.StateFlushInterval);
    }

    private async Task PumpStatusesAsync()
    {
        await foreach (var item in _statuses.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item is MessageStatusUpdate status)
            {
                await RaiseAsync(StatusReceived, status).ConfigureAwait(false);
            }
            else if (item is TypingNotice typing)
            {
                await RaiseAsync(TypingReceived, typing).ConfigureAwait(false);
            }
            else if (item is MessageRecall recall)
            {
                await RaiseAsync(MessageRecalled, recall).ConfigureAwait(false);
            }
            else if (item is GroupReadNotice read)
            {
                await RaiseAsync(GroupReadReceived, read).ConfigureAwait(false);
            }
        }
    }

    private void AckIfToMe(ImMessage message)
    {
        var user = UserId;
        // Group messages are not acked Delivered: the hub accepts such acks and changes nothing.
        if (message.GroupId is null && (user is null || message.ToUserId == user))
        {
            _acks.Add(message.MsgId);
        }
    }

    private static async Task RaiseAsync<T>(Func<T, Task>? handlers, T value)
    {
        if (handlers is null)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Func<T, Task>>())
        {
            try
            {
                await handler(value).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // An app handler's failure is the app's: the client goes on delivering.
            }
        }
    }
}
