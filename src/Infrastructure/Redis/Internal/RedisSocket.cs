using System.IO.Pipelines;
using System.Net.Sockets;
using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>One TCP connection to Redis with its pipes, connected and authenticated (AUTH, SELECT, CLIENT SETNAME).</summary>
internal sealed class RedisSocket : IAsyncDisposable
{
    // Larger than the 4 KB default so a pipelined batch of small commands goes out in few segments.
    private const int PipeBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private int _disposed;

    private RedisSocket(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: PipeBufferSize, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: PipeBufferSize, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public static async Task<RedisSocket> ConnectAsync(RedisConfiguration config, string role, RespLimits limits, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(config.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RedisSocket? connection = null;
        try
        {
            await socket.ConnectAsync(config.Host, config.Port, timeout.Token).ConfigureAwait(false);
            connection = new RedisSocket(socket);
            if (config.Password is not null)
            {
                RedisArg[] auth = config.User is null ? ["AUTH", config.Password] : ["AUTH", config.User, config.Password];
                await connection.HandshakeAsync(auth, "AUTH", limits, timeout.Token).ConfigureAwait(false);
            }
            if (config.Database != 0)
            {
                await connection.HandshakeAsync(["SELECT", config.Database], "SELECT", limits, timeout.Token).ConfigureAwait(false);
            }
            await connection.HandshakeAsync(["CLIENT", "SETNAME", $"{config.ClientName}-{role}"], "CLIENT SETNAME", limits, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is not RedisUnavailableException || cancellationToken.IsCancellationRequested)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }
            cancellationToken.ThrowIfCancellationRequested();
            var reason = ex is OperationCanceledException
                ? $"connect timed out after {config.ConnectTimeout.TotalMilliseconds} ms"
                : ex.Message;
            throw new RedisUnavailableException($"Redis at {config.Host}:{config.Port} is unavailable ({role}): {reason}", ex);
        }
    }

    /// <summary>Reads one reply straight from the pipe; only used before the connection's loops start.</summary>
    public async Task<RedisValue> ReadOneAsync(RespLimits limits, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (RespParser.TryRead(ref buffer, limits, out var value))
            {
                Input.AdvanceTo(buffer.Start);
                return value;
            }
            Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new RedisUnavailableException("Redis closed the connection.");
            }
        }
    }

    /// <summary>Shuts the socket down, so loops blocked on it end; the pipes stay until <see cref="DisposeAsync"/>.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing to shut down.
        }
    }

    /// <summary>
    /// Never throws: a connection loop disposes its socket on its way to reconnecting, and an exception
    /// here once ended such a loop for good — the connection then reported itself connected while every
    /// command timed out (seen after a Redis restart).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Abort();
        var closed = new RedisUnavailableException("The Redis connection was closed.");
        try
        {
            await Input.CompleteAsync(closed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or SocketException or ObjectDisposedException)
        {
            // A read still in progress on the other loop; the stream's disposal below ends it.
        }
        try
        {
            // Completing with an error drops unflushed bytes: a plain Complete would first write them to
            // the socket just shut down, and throw.
            await Output.CompleteAsync(closed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or SocketException or ObjectDisposedException)
        {
            // A write still in progress on the other loop; the stream's disposal below ends it.
        }
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Closing an already broken socket.
        }
    }

    private async Task HandshakeAsync(RedisArg[] command, string what, RespLimits limits, CancellationToken cancellationToken)
    {
        RespWriter.WriteCommand(Output, command);
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadOneAsync(limits, cancellationToken).ConfigureAwait(false);
        if (reply.IsError)
        {
            throw new RedisUnavailableException($"Redis refused {what}: {reply.AsString()}");
        }
    }
}
