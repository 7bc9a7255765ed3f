using ImSignalR.Client.Connections;

namespace ImSignalR.Client;

/// <summary>Settings of an <see cref="ImChatClient"/>. Immutable: build one with an object initializer or <c>with</c>.</summary>
public sealed record ImChatClientOptions
{
    /// <summary>The hub URL, e.g. <c>http://localhost:5000/hubs/chat</c>. The client speaks WebSockets
    /// to it directly (no negotiate request), through the official SignalR .NET client.</summary>
    public required Uri HubUri { get; init; }

    /// <summary>Called before every connection attempt, so an expired token is replaced on reconnect.
    /// The token goes in the <c>Authorization</c> header of the WebSocket request.</summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Hub protocol: <c>json</c> (default) or <c>messagepack</c> (the official MessagePack hub
    /// protocol, with the same camelCase member names as JSON).</summary>
    public string Protocol { get; init; } = "json";

    /// <summary>A ping is sent when nothing was sent for this long (server default: 15 s).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The connection counts as lost when nothing was received for this long (30 s).</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connect + handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one hub call waits for its result before it counts as lost (and, for sends, is retried).</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First reconnect delay; each further attempt doubles it (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between reconnect attempts. Attempts never stop until the client is disposed.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True (default): incoming messages are deduplicated, released in seq order per conversation,
    /// acked <c>Delivered</c> automatically, and resynced after every (re)connect. False: every push is
    /// raised as it arrives, repeats included, and nothing is acked or synced for you (tools and tests
    /// that look at the raw server behaviour).
    /// </summary>
    public bool ReliableInbox { get; init; } = true;

    /// <summary>A batch of <c>Delivered</c> acks is sent when its first id has waited this long (or it holds 100 ids).</summary>
    public TimeSpan AckFlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many recent msgIds are remembered to drop repeats.</summary>
    public int DedupeCapacity { get; init; } = 10_000;

    /// <summary>Messages per <c>SyncMessages</c> page (the server caps it too).</summary>
    public int SyncPageSize { get; init; } = 200;

    /// <summary>
    /// Waits before each re-sync of a conversation whose sync page lacks a seq below messages it returned (or
    /// whose buffered push sits above a gap). A seq is allocated before its message is committed and hub nodes
    /// commit independently, so the missing seq may still be in flight: the messages above it are held until its
    /// push or a later page fills it, and only after the last wait is it taken as a seq jump (SPEC G3).
    /// Default 250 ms, then 1 s.
    /// </summary>
    public IReadOnlyList<TimeSpan> HoleRetryDelays { get; init; } = [.. Reliability.InboxSettings.DefaultHoleRetryDelays];

    /// <summary>Sends waiting for confirmation at most; <see cref="ImChatClient.SendC2CAsync"/> waits for room beyond it.</summary>
    public int OutboxCapacity { get; init; } = 10_000;

    /// <summary>First wait before resending a send whose outcome is unknown; doubles (with jitter) up to <see cref="SendRetryMaxDelay"/>.</summary>
    public TimeSpan SendRetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between resends of one message.</summary>
    public TimeSpan SendRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages buffered for <see cref="ImChatClient.Messages"/> readers; when full the client
    /// waits for the reader (<see cref="System.Threading.Channels.BoundedChannelFullMode.Wait"/>), which
    /// also holds back <see cref="ImChatClient.MessageReceived"/>. Nothing is buffered until
    /// <see cref="ImChatClient.Messages"/> is first read.</summary>
    public int MessageBufferCapacity { get; init; } = 10_000;

    /// <summary>Messages released in order and waiting for the app's handlers. Full mode: wait — the
    /// push handler and each sync page wait for room, which holds back this connection's socket reads
    /// (the server re-pushes unacked messages later, and sync fetches the rest).</summary>
    public int ReleaseQueueCapacity { get; init; } = 10_000;

    /// <summary><see cref="ImChatClient.StatusReceived"/> events waiting for the app. Full mode: drop
    /// oldest — statuses are advisory (history and conversations carry the same state).</summary>
    public int StatusQueueCapacity { get; init; } = 10_000;

    /// <summary><c>Delivered</c> acks waiting to be sent (e.g. while the server is unreachable). Full
    /// mode: drop oldest — the server re-pushes a message whose ack never came, and its repeat is acked.</summary>
    public int AckQueueCapacity { get; init; } = 100_000;

    /// <summary>
    /// Keeps the outbox, the per-conversation cursors and the dedupe window across restarts of the app
    /// (<see cref="State.SqliteClientStateStore"/> for a file). A send is stored before its first
    /// attempt, so a killed process sends it on the next start — once. Null (default): memory only.
    /// Requires <see cref="UserId"/>.
    /// </summary>
    public State.IClientStateStore? StateStore { get; init; }

    /// <summary>The signed-in user, whose rows of <see cref="StateStore"/> are loaded before the first
    /// connection; the token's <c>sub</c> must match it (the connection is refused otherwise).</summary>
    public string? UserId { get; init; }

    /// <summary>How often cursor and dedupe progress are written to <see cref="StateStore"/> (sends are
    /// written at once). A crash loses at most this much progress: those messages reach the app again.</summary>
    public TimeSpan StateFlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often a connected client compares its group cursors with the hub's newest seqs (one small
    /// <c>SyncMessages</c> overview) and syncs a group that is behind. A lost push is otherwise seen only when a
    /// later one arrives; a group's last message has no later one, and unlike C2C it is never pushed again (read
    /// diffusion). Default 30 s; <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan GroupTailCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(GroupTailCheckInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReleaseQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(StatusQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AckQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StateFlushInterval, TimeSpan.Zero);
        if (StateStore is not null && string.IsNullOrEmpty(UserId))
        {
            throw new ArgumentException("ImChatClientOptions.UserId is required with a StateStore: the stored outbox belongs to one user.", nameof(UserId));
        }
        ArgumentNullException.ThrowIfNull(HubUri);
        ArgumentOutOfRangeException.ThrowIfLessThan(DedupeCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SyncPageSize, 1);
        ArgumentNullException.ThrowIfNull(HoleRetryDelays);
        foreach (var delay in HoleRetryDelays)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(HoleRetryDelays));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(OutboxCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MessageBufferCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectInitialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectInitialDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SendRetryInitialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendRetryMaxDelay, SendRetryInitialDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AckFlushInterval, TimeSpan.Zero);
        if (!HubConnections.IsKnownProtocol(Protocol))
        {
            throw new ArgumentException($"Unknown hub protocol '{Protocol}'. Supported: json, messagepack.", nameof(Protocol));
        }
    }
}
