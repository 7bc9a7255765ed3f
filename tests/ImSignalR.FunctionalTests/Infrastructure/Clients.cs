using System.Collections.Concurrent;
using ImSignalR.Client;
using ImSignalR.Contracts;

namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>An SDK client that records what it receives, for assertions.</summary>
public sealed class RecordingClient : IAsyncDisposable
{
    private RecordingClient(string userId, ImChatClient client)
    {
        UserId = userId;
        Client = client;
        client.MessageReceived += m =>
        {
            Received.Enqueue(m);
            return Task.CompletedTask;
        };
        client.StatusReceived += s =>
        {
            Statuses.Enqueue(s);
            return Task.CompletedTask;
        };
    }

    public string UserId { get; }

    public ImChatClient Client { get; }

    public ConcurrentQueue<ImMessage> Received { get; } = new();

    public ConcurrentQueue<MessageStatusUpdate> Statuses { get; } = new();

    /// <summary>Connects a client. <paramref name="reliable"/> false (the default for the raw server
    /// tests) shows every push as it arrives, with no automatic sync, ack or dedupe.</summary>
    public static async Task<RecordingClient> ConnectAsync(HubProcess hub, string userId, string protocol = "json", bool reliable = false, Func<ImChatClientOptions, ImChatClientOptions>? configure = null)
    {
        var options = new ImChatClientOptions
        {
            HubUri = hub.HubUri,
            // A fresh token per attempt, from whichever process serves the port now (restart tests).
            AccessTokenProvider = async _ => await hub.TokenAsync(userId),
            Protocol = protocol,
            ReliableInbox = reliable,
        };
        var client = new ImChatClient(configure is null ? options : configure(options));
        await client.ConnectAsync();
        return new RecordingClient(userId, client);
    }

    /// <summary>
    /// One raw <c>SendC2C</c> call: the server's answer, errors included, exactly as it gave it. Tests
    /// of server behaviour need this; the SDK's outbox (<c>Client.SendC2CAsync</c>) would retry
    /// retriable errors until they succeed.
    /// </summary>
    public async Task<SendResult> SendAsync(string to, string content, string? clientMsgId = null) =>
        await Client.InvokeRawAsync<SendResult>(
            "SendC2C",
            [new SendRequest { ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"), ToUserId = to, Content = content, MsgFormat = 1 }],
            CancellationToken.None);

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}

/// <summary>Polling with a bound, instead of sleeping.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }
            await Task.Delay(25);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }
            await Task.Delay(50);
        }
    }
}
