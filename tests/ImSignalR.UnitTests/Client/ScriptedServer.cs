using System.Collections.Concurrent;
using ImSignalR.Client;
using ImSignalR.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// A real SignalR server on loopback (JSON and the official MessagePack protocol) whose hub answers
/// from a scripted store, for the SDK's reaction to what a server may send: pushes it cannot bind,
/// repeats, gaps, results it cannot read. (An exception to "unit tests touch no socket": only a real
/// connection shows what the official client hands the SDK.)
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<ImMessage> _store = [];
    private readonly HashSet<string> _acked = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private long _nextMsgId = 100;
    private int _sendCalls;

    public Uri HubUri { get; private set; } = null!;

    /// <summary>When set, <c>SyncMessages</c> answers this instead of the store.</summary>
    public object? SyncAnswer { get; set; }

    /// <summary>When set, <c>SendC2C</c> answers this instead of accepting.</summary>
    public object? SendAnswer { get; set; }

    public int SendCalls => Volatile.Read(ref _sendCalls);

    /// <summary>The <c>Authorization</c> header of each connection, in connect order.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public IHubContext<ScriptedHub> Hub => _app!.Services.GetRequiredService<IHubContext<ScriptedHub>>();

    public static async Task<ScriptedServer> StartAsync()
    {
        var server = new ScriptedServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(server);
        builder.Services.AddSignalR().AddMessagePackProtocol();
        var app = builder.Build();
        app.MapHub<ScriptedHub>("/hubs/chat");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server._app = app;
        server.HubUri = new Uri(address + "/hubs/chat");
        return server;
    }

    public ImMessage Store(long seq, string chatId = "c2c:me:peer")
    {
        var message = new ImMessage
        {
            MsgId = Interlocked.Increment(ref _nextMsgId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ClientMsgId = $"c{seq}",
            ChatId = chatId,
            Seq = seq,
            FromUserId = "peer",
            ToUserId = "me",
            Content = $"#{seq}",
            MsgFormat = 1,
            SendTime = seq,
            Status = 1,
        };
        lock (_gate)
        {
            _store.Add(message);
        }
        return message;
    }

    public Task PushAsync(object message) => Hub.Clients.All.SendAsync("ReceiveC2C", message);

    public ImChatClient Client(string protocol, Func<CancellationToken, ValueTask<string?>>? accessTokenProvider = null) => new(new ImChatClientOptions
    {
        HubUri = HubUri,
        AccessTokenProvider = accessTokenProvider,
        Protocol = protocol,
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        SendRetryInitialDelay = TimeSpan.FromMilliseconds(10),
        SendRetryMaxDelay = TimeSpan.FromMilliseconds(50),
        AckFlushInterval = TimeSpan.FromMilliseconds(10),
        InvocationTimeout = TimeSpan.FromSeconds(5),
    });

    internal object Sync(SyncRequest request)
    {
        if (SyncAnswer is { } answer)
        {
            return answer;
        }
        lock (_gate)
        {
            var messages = request.ChatId is null
                ? _store.Where(m => !_acked.Contains(m.MsgId)).OrderBy(m => m.Seq).ToArray()
                : _store.Where(m => m.ChatId == request.ChatId && m.Seq > (request.AfterSeq ?? 0)).OrderBy(m => m.Seq).ToArray();
            return new SyncResult
            {
                Messages = messages,
                HasMore = false,
                MaxSeqByChat = _store.GroupBy(m => m.ChatId).ToDictionary(g => g.Key, g => g.Max(m => m.Seq)),
            };
        }
    }

    internal AckResult Ack(AckRequest request)
    {
        lock (_gate)
        {
            _acked.UnionWith(request.MsgIds!);
        }
        return new AckResult { Acked = request.MsgIds!.Count };
    }

    internal object Send(SendRequest request)
    {
        Interlocked.Increment(ref _sendCalls);
        return SendAnswer ?? new SendResult { MsgId = "1", ChatId = "c2c:me:" + request.ToUserId, Seq = 1, ServerTime = 1, Duplicate = false };
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The hub of <see cref="ScriptedServer"/>; it binds the SDK's own request models.</summary>
internal sealed class ScriptedHub(ScriptedServer server) : Microsoft.AspNetCore.SignalR.Hub
{
    public override Task OnConnectedAsync()
    {
        server.Authorizations.Enqueue(Context.GetHttpContext()?.Request.Headers.Authorization.ToString() ?? "");
        return Task.CompletedTask;
    }

    public object SyncMessages(SyncRequest request) => server.Sync(request);

    public AckResult Ack(AckRequest request) => server.Ack(request);

    public object SendC2C(SendRequest request) => server.Send(request);
}
