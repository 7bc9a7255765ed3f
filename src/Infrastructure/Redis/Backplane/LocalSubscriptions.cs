using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Infrastructure.Redis.Backplane;

/// <summary>
/// Local members per user or group, reference-counted: the Redis channel is subscribed when the first local
/// member arrives and unsubscribed when the last one leaves. One gate serialises the changes (as the official
/// RedisSubscriptionManager does); readers look members up without it.
/// </summary>
internal sealed class LocalSubscriptions
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public HubConnectionStore? Members(string key) => _entries.TryGetValue(key, out var entry) ? entry.Members : null;

    public async Task AddAsync(string key, HubConnectionContext connection, Func<Task<IAsyncDisposable>> subscribe)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry(await subscribe().ConfigureAwait(false));
                _entries[key] = entry;
            }
            entry.Members.Add(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <returns>The subscription to dispose when this was the last member, else null.</returns>
    public async Task<IAsyncDisposable?> RemoveAsync(string key, HubConnectionContext connection)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return null;
            }
            entry.Members.Remove(connection);
            if (entry.Members.Count > 0)
            {
                return null;
            }
            _entries.TryRemove(key, out _);
            return entry.Subscription;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Entry(IAsyncDisposable subscription)
    {
        public HubConnectionStore Members { get; } = new();

        public IAsyncDisposable Subscription { get; } = subscription;
    }
}
