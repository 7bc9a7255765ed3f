using System.Collections.Concurrent;
using ImSignalR.RocketMq.Internal;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// One connection per address, created on first use and re-created on the next call after it closes
/// (reconnect is lazy, like the Java <c>NettyRemotingClient.getAndCreateChannel</c>).
/// Server requests: ONEWAY ones raise <see cref="Notification"/>; others get REQUEST_CODE_NOT_SUPPORTED
/// (doc §2.1, §9.11) — this client has no transactions, reply messaging or admin introspection to offer.
/// </summary>
internal sealed class RemotingClient : IRemotingClient
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RemotingConnection>>> _connections = new(StringComparer.Ordinal);
    private readonly TimeSpan _connectTimeout;
    private readonly ILogger _logger;
    private int _disposed;

    public RemotingClient(TimeSpan connectTimeout, ILogger logger)
    {
        _connectTimeout = connectTimeout;
        _logger = logger;
    }

    public event Action<string, RemotingCommand>? Notification;

    public async Task<RemotingCommand> InvokeAsync(string address, RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        return await connection.InvokeAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task InvokeOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        await connection.SendOnewayAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CloseAsync(string address)
    {
        if (_connections.TryRemove(address, out var lazy) && lazy.Value.IsCompletedSuccessfully)
        {
            await lazy.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<RemotingConnection> GetConnectionAsync(string address, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (true)
        {
            var lazy = _connections.GetOrAdd(address, a => new Lazy<Task<RemotingConnection>>(
                () => RemotingConnection.ConnectAsync(a, _connectTimeout, OnRequestAsync, _logger, CancellationToken.None)));
            RemotingConnection connection;
            try
            {
                connection = await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RocketMqProtocolException)
            {
                // Forget the failed attempt so the next call dials again.
                _connections.TryRemove(new KeyValuePair<string, Lazy<Task<RemotingConnection>>>(address, lazy));
                throw;
            }
            if (!connection.IsClosed)
            {
                return connection;
            }
            _connections.TryRemove(new KeyValuePair<string, Lazy<Task<RemotingConnection>>>(address, lazy));
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task OnRequestAsync(RemotingConnection connection, RemotingCommand request)
    {
        if (request.IsOneway)
        {
            // NOTIFY_CONSUMER_IDS_CHANGED (40) and CHECK_TRANSACTION_STATE (39) arrive ONEWAY; 39 needs no
            // action here because this client never sends half messages.
            RocketMqLog.ServerRequest(_logger, request.Code, connection.Address, -1);
            Notification?.Invoke(connection.Address, request);
            return;
        }
        if (request.Code == RequestCode.ResetConsumerClientOffset)
        {
            // Brokers send the reset ONEWAY; a tool that asks for an answer gets one once it is applied.
            Notification?.Invoke(connection.Address, request);
            var ok = RemotingCommand.CreateResponse(request, ResponseCode.Success);
            RocketMqLog.ServerRequest(_logger, request.Code, connection.Address, ok.Code);
            await connection.WriteAsync(ok, connection.Closed).ConfigureAwait(false);
            return;
        }
        var reply = RemotingCommand.CreateResponse(request, ResponseCode.RequestCodeNotSupported, $"request code {request.Code} not supported by the ImSignalR client");
        RocketMqLog.ServerRequest(_logger, request.Code, connection.Address, reply.Code);
        await connection.WriteAsync(reply, connection.Closed).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var (_, lazy) in _connections)
        {
            try
            {
                var connection = await lazy.Value.ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (RocketMqProtocolException)
            {
                // Never connected; nothing to close.
            }
        }
        _connections.Clear();
    }
}
