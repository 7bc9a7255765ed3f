using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>
/// One handler on one channel. Messages are queued and handed to the handler one at a time, in the order
/// Redis delivered them, so a slow handler neither reorders its channel nor stalls the socket reader.
/// </summary>
internal sealed class RedisSubscription : IAsyncDisposable
{
    private readonly RedisSubscriberConnection _owner;
    private readonly Func<ReadOnlyMemory<byte>, ValueTask> _handler;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _messages = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _pump;
    private int _disposed;

    public RedisSubscription(RedisSubscriberConnection owner, string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, ILogger logger)
    {
        _owner = owner;
        Channel = channel;
        _handler = handler;
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    public string Channel { get; }

    public void Post(byte[] message) => _messages.Writer.TryWrite(message);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await _owner.UnsubscribeAsync(this).ConfigureAwait(false);
        }
        finally
        {
            Complete();
        }
    }

    /// <summary>Stops the pump after the queued messages (used on unsubscribe and when the connection is disposed).</summary>
    public void Complete() => _messages.Writer.TryComplete();

    public Task Completion => _pump;

    private async Task PumpAsync()
    {
        await foreach (var message in _messages.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await _handler(message).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                RedisLog.HandlerFailed(_logger, Channel, ex);
            }
        }
    }
}
