using System.Net;
using System.Net.Sockets;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>A loopback TCP listener speaking remoting frames; can be stopped and restarted on the same port.</summary>
internal sealed class DoubleServer : IAsyncDisposable
{
    private readonly Func<RemotingConnection, RemotingCommand, Task<RemotingCommand?>> _handler;
    private readonly ReplySerialization _replySerialization;
    private readonly List<RemotingConnection> _connections = [];
    private readonly Lock _lock = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public DoubleServer(Func<RemotingConnection, RemotingCommand, Task<RemotingCommand?>> handler, ReplySerialization replySerialization)
    {
        _handler = handler;
        _replySerialization = replySerialization;
    }

    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port}";

    public bool IsRunning => _listener is not null;

    public event Action<RemotingConnection>? ConnectionClosed;

    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener));
    }

    public async Task StopAsync()
    {
        var listener = _listener;
        _listener = null;
        listener?.Stop();
        await _acceptLoop.ConfigureAwait(false);
        RemotingConnection[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
            _connections.Clear();
        }
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    public async Task SendOnewayAsync(RemotingConnection connection, RemotingCommand request)
    {
        request.Language = "JAVA";
        request.SerializeType = _replySerialization == ReplySerialization.Binary ? RemotingSerializeType.RocketMq : RemotingSerializeType.Json;
        try
        {
            await connection.SendOnewayAsync(request, CancellationToken.None);
        }
        catch (RocketMqProtocolException)
        {
            // The client is gone; the membership cleanup handles it.
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var connection = RemotingConnection.Accept(socket, socket.RemoteEndPoint!.ToString()!, OnRequestAsync, NullLogger.Instance);
            lock (_lock)
            {
                _connections.Add(connection);
            }
            connection.Closed.Register(() =>
            {
                lock (_lock)
                {
                    _connections.Remove(connection);
                }
                ConnectionClosed?.Invoke(connection);
            });
        }
    }

    private async Task OnRequestAsync(RemotingConnection connection, RemotingCommand request)
    {
        RemotingCommand? response;
        try
        {
            response = await _handler(connection, request);
        }
        catch (RocketMqProtocolException e)
        {
            response = RemotingCommand.CreateResponse(request, 1, e.Message);
        }
        if (request.IsOneway || response is null)
        {
            return; // a real server never answers ONEWAY requests
        }
        response.Opaque = request.Opaque;
        response.Flag |= RemotingCommand.ResponseFlag;
        response.Language = "JAVA";
        response.Version = 453;
        response.SerializeType = _replySerialization switch
        {
            ReplySerialization.Binary => RemotingSerializeType.RocketMq,
            ReplySerialization.MirrorRequest => request.SerializeType,
            _ => RemotingSerializeType.Json,
        };
        try
        {
            await connection.WriteAsync(response, CancellationToken.None);
        }
        catch (RocketMqProtocolException)
        {
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
