using System.Collections.Concurrent;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// Routes from the NameServer (GET_ROUTEINFO_BY_TOPIC, doc §4), cached and refreshed in the background.
/// A failed refresh keeps the last known route: brokers can still be reached while the NameServer is down.
/// </summary>
internal sealed class TopicRouteCache : IAsyncDisposable
{
    private readonly IRemotingClient _client;
    private readonly RocketMqOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TopicRouteData?> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refreshLoop;
    private int _nextNameServer;

    public TopicRouteCache(IRemotingClient client, RocketMqOptions options, ILogger logger)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _refreshLoop = Task.Run(RefreshLoopAsync);
    }

    /// <summary>The cached route, or a fresh lookup; null when the NameServer says TOPIC_NOT_EXIST.</summary>
    public async Task<TopicRouteData?> GetAsync(string topic, CancellationToken cancellationToken)
    {
        if (_routes.TryGetValue(topic, out var cached) && cached is not null)
        {
            return cached;
        }
        return await RefreshAsync(topic, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TopicRouteData?> RefreshAsync(string topic, CancellationToken cancellationToken)
    {
        var route = await FetchAsync(topic, cancellationToken).ConfigureAwait(false);
        _routes[topic] = route;
        return route;
    }

    private async Task<TopicRouteData?> FetchAsync(string topic, CancellationToken cancellationToken)
    {
        var addresses = _options.NameServerAddresses();
        RocketMqProtocolException? last = null;
        for (var i = 0; i < addresses.Length; i++)
        {
            var address = addresses[(int)((uint)(Volatile.Read(ref _nextNameServer) + i) % addresses.Length)];
            var request = RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, new() { ["topic"] = topic });
            request.Version = _options.ClientVersion;
            if (_options.AcceptStandardJsonOnly)
            {
                request.SetExt("acceptStandardJsonOnly", "true");
            }
            try
            {
                var response = await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                switch (response.Code)
                {
                    case ResponseCode.Success:
                        return TopicRouteJson.Parse(response.Body.Span);
                    case ResponseCode.TopicNotExist:
                        return null;
                    default:
                        last = new RocketMqProtocolException($"NameServer {address} answered {response.Code}: {response.Remark}", response.Code);
                        break;
                }
            }
            catch (RocketMqProtocolException e) when (e.IsTransport)
            {
                last = e;
                Interlocked.Increment(ref _nextNameServer);
            }
        }
        throw last ?? new RocketMqProtocolException("No NameServer address is configured.");
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.RouteRefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var topic in _routes.Keys)
                {
                    try
                    {
                        var route = await FetchAsync(topic, _stop.Token).ConfigureAwait(false);
                        if (route is not null)
                        {
                            _routes[topic] = route;
                        }
                    }
                    catch (RocketMqProtocolException e)
                    {
                        RocketMqLog.RouteRefreshFailed(_logger, topic, e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _refreshLoop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
