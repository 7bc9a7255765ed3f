using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ImSignalR.FunctionalTests.OfficialClients;

/// <summary>
/// A loopback TCP proxy in front of the hub whose live connections a test can cut (a reset, no close
/// handshake: a dropped WebSocket) and hold: while held, new connections are accepted but not forwarded,
/// so a test can act in the gap knowing no reconnect has happened yet.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, Socket> _pairs = new();
    private TaskCompletionSource _open = Open();
    private int _accepted;
    private int _cuts;

    private TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _ = AcceptLoopAsync();
    }

    public Uri BaseUri { get; }

    /// <summary>TCP connections accepted so far (each HTTP request or WebSocket may open one).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Times <see cref="CutAndHold"/> was called.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    public static TcpProxy Start(int targetPort) => new(targetPort);

    /// <summary>Resets every live connection on both sides and holds new ones until <see cref="Release"/>.</summary>
    public void CutAndHold()
    {
        Interlocked.Increment(ref _cuts);
        _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var (client, upstream) in _pairs)
        {
            Reset(client);
            Reset(upstream);
        }
        _pairs.Clear();
    }

    public void Release() => _open.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Release();
        CutAndHold();
        _stop.Dispose();
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await _open.Task.WaitAsync(_stop.Token);
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            _pairs[client] = upstream;
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _pairs.TryRemove(client, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
