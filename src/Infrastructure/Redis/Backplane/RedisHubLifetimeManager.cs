using System.Collections.Concurrent;
using ImSignalR.Infrastructure.Redis.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.Infrastructure.Redis.Backplane;

/// <summary>
/// A <see cref="HubLifetimeManager{THub}"/> that makes <c>Clients.All/User/Group/Client</c> work across nodes,
/// following the official StackExchangeRedis backplane: one channel per connection, user and group (users and
/// groups subscribed while this node has members), invocations serialised once per registered protocol, group
/// changes for connections on other nodes sent on <c>:internal:groups</c> and acknowledged. Only a send to a
/// single connection that is local skips Redis. Delivery is at-most-once (pub/sub); messages published while
/// Redis is away are lost, which the IM layer covers with its retry queue and sync.
/// </summary>
internal sealed class RedisHubLifetimeManager<THub> : HubLifetimeManager<THub>, IAsyncDisposable
    where THub : Hub
{
    private readonly IRedisClient _redis;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<IHubProtocol> _protocols;
    private readonly BackplaneChannels _channels;
    private readonly string _serverName;
    private readonly TimeSpan _ackTimeout;
    private readonly HubConnectionStore _connections = new();
    private readonly ConcurrentDictionary<string, ConnectionState> _local = new(StringComparer.Ordinal);
    private readonly LocalSubscriptions _users = new();
    private readonly LocalSubscriptions _groups = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _acks = new();
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly List<IAsyncDisposable> _coreSubscriptions = [];
    private volatile bool _initialized;
    private int _nextAckId;

    public RedisHubLifetimeManager(
        ILogger<RedisHubLifetimeManager<THub>> logger,
        IOptions<ImRedisOptions> options,
        IHubProtocolResolver protocolResolver,
        IOptions<HubOptions> globalHubOptions,
        IOptions<HubOptions<THub>> hubOptions,
        IRedisClient redis)
    {
        _logger = logger;
        _redis = redis;
        var supported = hubOptions.Value.SupportedProtocols ?? globalHubOptions.Value.SupportedProtocols;
        _protocols = protocolResolver.AllProtocols
            .Where(p => supported is null || supported.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
            .ToArray();
        _channels = new BackplaneChannels(options.Value.ChannelPrefix + typeof(THub).FullName);
        _serverName = options.Value.NodeId;
        _ackTimeout = options.Value.GroupAckTimeout;
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await EnsureInitializedAsync().ConfigureAwait(false);
        var state = new ConnectionState();
        _local[connection.ConnectionId] = state;
        _connections.Add(connection);
        var connectionChannel = _channels.Connection(connection.ConnectionId);
        state.Subscription = await _redis.SubscribeAsync(connectionChannel, m => DeliverAsync(connectionChannel, m, c => c == connection), default)
            .ConfigureAwait(false);
        if (!string.IsNullOrEmpty(connection.UserIdentifier))
        {
            var channel = _channels.User(connection.UserIdentifier);
            await _users.AddAsync(connection.UserIdentifier, connection, () => SubscribeMembersAsync(channel, _users, connection.UserIdentifier)).ConfigureAwait(false);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.Remove(connection);
        if (!_local.TryRemove(connection.ConnectionId, out var state))
        {
            return;
        }
        var toDispose = new List<IAsyncDisposable>();
        if (state.Subscription is not null)
        {
            toDispose.Add(state.Subscription);
        }
        string[] groups;
        lock (state.Groups)
        {
            groups = [.. state.Groups];
            state.Groups.Clear();
        }
        foreach (var group in groups)
        {
            if (await _groups.RemoveAsync(group, connection).ConfigureAwait(false) is { } groupSubscription)
            {
                toDispose.Add(groupSubscription);
            }
        }
        if (!string.IsNullOrEmpty(connection.UserIdentifier) &&
            await _users.RemoveAsync(connection.UserIdentifier, connection).ConfigureAwait(false) is { } userSubscription)
        {
            toDispose.Add(userSubscription);
        }
        foreach (var subscription in toDispose)
        {
            await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(_channels.All, null, methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        PublishAsync(_channels.All, excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        // The one local shortcut: a single connection that lives here needs no round trip.
        var local = _connections[connectionId];
        if (local is not null)
        {
            return local.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask();
        }
        return PublishAsync(_channels.Connection(connectionId), null, methodName, args, cancellationToken);
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishManyAsync(connectionIds.Select(_channels.Connection), null, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return PublishAsync(_channels.Group(groupName), null, methodName, args, cancellationToken);
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishManyAsync(groupNames.Where(g => !string.IsNullOrEmpty(g)).Select(_channels.Group), null, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return PublishAsync(_channels.Group(groupName), excludedConnectionIds, methodName, args, cancellationToken);
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(_channels.User(userId), null, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishManyAsync(userIds.Select(_channels.User), null, methodName, args, cancellationToken);

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        var connection = _connections[connectionId];
        if (connection is not null)
        {
            await AddGroupLocalAsync(connection, groupName).ConfigureAwait(false);
            return;
        }
        await SendGroupCommandAsync(BackplaneProtocol.GroupAdd, groupName, connectionId, cancellationToken).ConfigureAwait(false);
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        var connection = _connections[connectionId];
        if (connection is not null)
        {
            await RemoveGroupLocalAsync(connection, groupName).ConfigureAwait(false);
            return;
        }
        await SendGroupCommandAsync(BackplaneProtocol.GroupRemove, groupName, connectionId, cancellationToken).ConfigureAwait(false);
    }

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Client results (InvokeConnectionAsync) are not supported by the ImSignalR Redis backplane.");

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        throw new NotSupportedException("Client results are not supported by the ImSignalR Redis backplane.");

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type)
    {
        type = null;
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _coreSubscriptions)
        {
            await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
        }
        foreach (var ack in _acks.Values)
        {
            ack.TrySetCanceled();
        }
    }

    private async Task EnsureInitializedAsync()
    {
        if (_initialized)
        {
            return;
        }
        await _initGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }
            // Subscribed lazily and retried on the next call when Redis is away, like the official manager.
            _coreSubscriptions.Add(await _redis.SubscribeAsync(_channels.All, m => DeliverAsync(_channels.All, m, null), default).ConfigureAwait(false));
            _coreSubscriptions.Add(await _redis.SubscribeAsync(_channels.GroupManagement, OnGroupCommandAsync, default).ConfigureAwait(false));
            _coreSubscriptions.Add(await _redis.SubscribeAsync(_channels.Ack(_serverName), OnAck, default).ConfigureAwait(false));
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    private Task<IAsyncDisposable> SubscribeMembersAsync(string channel, LocalSubscriptions registry, string key) =>
        _redis.SubscribeAsync(channel, m =>
        {
            var members = registry.Members(key);
            return members is null ? ValueTask.CompletedTask : DeliverAsync(channel, m, c => members[c.ConnectionId] is not null);
        }, default);

    private async Task AddGroupLocalAsync(HubConnectionContext connection, string groupName)
    {
        if (!_local.TryGetValue(connection.ConnectionId, out var state))
        {
            return;
        }
        lock (state.Groups)
        {
            // Ordinal, like Redis channel names: "Room" and "room" are two groups (the official compares
            // ignoring case here and then skips the second subscription).
            if (!state.Groups.Add(groupName))
            {
                return;
            }
        }
        var channel = _channels.Group(groupName);
        await _groups.AddAsync(groupName, connection, () => SubscribeMembersAsync(channel, _groups, groupName)).ConfigureAwait(false);
    }

    private async Task RemoveGroupLocalAsync(HubConnectionContext connection, string groupName)
    {
        if (!_local.TryGetValue(connection.ConnectionId, out var state))
        {
            return;
        }
        lock (state.Groups)
        {
            if (!state.Groups.Remove(groupName))
            {
                return;
            }
        }
        if (await _groups.RemoveAsync(groupName, connection).ConfigureAwait(false) is { } subscription)
        {
            await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
        }
    }

    private async Task SendGroupCommandAsync(int action, string groupName, string connectionId, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync().ConfigureAwait(false);
        var id = Interlocked.Increment(ref _nextAckId);
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = ack;
        try
        {
            await _redis.PublishAsync(_channels.GroupManagement, BackplaneProtocol.WriteGroupCommand(id, _serverName, action, groupName, connectionId), cancellationToken)
                .ConfigureAwait(false);
            await ack.Task.WaitAsync(_ackTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Same outcome as the official AckHandler: nobody owns the connection, or a message was lost.
            throw new TaskCanceledException(
                $"No node acknowledged the group {(action == BackplaneProtocol.GroupAdd ? "add" : "remove")} of connection '{connectionId}' within {_ackTimeout.TotalSeconds} s.");
        }
        finally
        {
            _acks.TryRemove(id, out _);
        }
    }

    private async ValueTask OnGroupCommandAsync(ReadOnlyMemory<byte> payload)
    {
        (int Id, string ServerName, int Action, string GroupName, string ConnectionId) command;
        try
        {
            command = BackplaneProtocol.ReadGroupCommand(payload.Span);
        }
        catch (InvalidDataException ex)
        {
            RedisLog.UnreadableMessage(_logger, _channels.GroupManagement, ex);
            return;
        }
        var connection = _connections[command.ConnectionId];
        if (connection is null)
        {
            return;   // another node owns it
        }
        if (command.Action == BackplaneProtocol.GroupRemove)
        {
            await RemoveGroupLocalAsync(connection, command.GroupName).ConfigureAwait(false);
        }
        else if (command.Action == BackplaneProtocol.GroupAdd)
        {
            await AddGroupLocalAsync(connection, command.GroupName).ConfigureAwait(false);
        }
        await _redis.PublishAsync(_channels.Ack(command.ServerName), BackplaneProtocol.WriteAck(command.Id), default).ConfigureAwait(false);
    }

    private ValueTask OnAck(ReadOnlyMemory<byte> payload)
    {
        try
        {
            if (_acks.TryGetValue(BackplaneProtocol.ReadAck(payload.Span), out var ack))
            {
                ack.TrySetResult();
            }
        }
        catch (InvalidDataException ex)
        {
            RedisLog.UnreadableMessage(_logger, "ack", ex);
        }
        return ValueTask.CompletedTask;
    }

    private async ValueTask DeliverAsync(string channel, ReadOnlyMemory<byte> payload, Func<HubConnectionContext, bool>? filter)
    {
        string[] excluded;
        SerializedHubMessage message;
        try
        {
            (excluded, message) = BackplaneProtocol.ReadInvocation(payload.Span);
        }
        catch (InvalidDataException ex)
        {
            RedisLog.UnreadableMessage(_logger, channel, ex);
            return;
        }
        List<Task>? writes = null;
        foreach (var connection in _connections)
        {
            if ((filter is not null && !filter(connection)) || (excluded.Length > 0 && excluded.Contains(connection.ConnectionId)))
            {
                continue;
            }
            var write = WriteQuietlyAsync(connection, message, channel);
            if (!write.IsCompletedSuccessfully)
            {
                (writes ??= []).Add(write.AsTask());
            }
        }
        if (writes is not null)
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteQuietlyAsync(HubConnectionContext connection, SerializedHubMessage message, string channel)
    {
        try
        {
            await connection.WriteAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A message without this connection's protocol means the nodes register different protocols.
            if (ex is InvalidOperationException or KeyNotFoundException)
            {
                RedisLog.MissingProtocol(_logger, channel, connection.Protocol?.Name ?? "?");
            }
            RedisLog.FailedWritingMessage(_logger, connection.ConnectionId, ex);
        }
    }

    private Task PublishAsync(string channel, IReadOnlyList<string>? excluded, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _redis.PublishAsync(channel, Serialize(excluded, methodName, args), cancellationToken);

    private Task PublishManyAsync(IEnumerable<string> channels, IReadOnlyList<string>? excluded, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        // Serialised once, published to every channel (pipelined on the one command connection).
        var payload = Serialize(excluded, methodName, args);
        return Task.WhenAll(channels.Select(c => _redis.PublishAsync(c, payload, cancellationToken)));
    }

    private byte[] Serialize(IReadOnlyList<string>? excluded, string methodName, object?[] args)
    {
        var invocation = new InvocationMessage(methodName, args);
        var messages = new SerializedMessage[_protocols.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new SerializedMessage(_protocols[i].Name, _protocols[i].GetMessageBytes(invocation));
        }
        return BackplaneProtocol.WriteInvocation(excluded, messages);
    }

    private async Task UnsubscribeQuietlyAsync(IAsyncDisposable subscription)
    {
        try
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisUnavailableException or RedisTimeoutException or RedisServerException or ObjectDisposedException)
        {
            RedisLog.UnsubscribeFailed(_logger, "?", ex);
        }
    }

    private sealed class ConnectionState
    {
        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public IAsyncDisposable? Subscription { get; set; }
    }
}
