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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone: nothing to shut down.
        }
        catch (ObjectDisposedException)
        {
        }
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
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
