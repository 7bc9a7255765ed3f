using System.Collections.Concurrent;
using System.Collections.Frozen;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Blocking (SPEC §11): <c>BlockUser</c>, <c>UnblockUser</c>, <c>GetBlockedUsers</c>, and the check every C2C send
/// makes — from a per-recipient cache, so the hot path makes no store round trip. A change drops the user's entry
/// on every node (<see cref="IBlockListChanges"/>); an entry also expires after <see cref="EntryTtl"/>, which bounds
/// how long a change whose notice was lost (Redis away) can go unseen.
/// </summary>
public sealed class BlockService
{
    /// <summary>Most users one user can block.</summary>
    public const int MaxBlockedUsers = 1000;

    internal static readonly TimeSpan EntryTtl = TimeSpan.FromSeconds(60);

    /// <summary>Recipients cached; past it the cache starts over (a reload is one indexed read).</summary>
    internal const int MaxCachedUsers = 100_000;

    private readonly IBlockStore _store;
    private readonly IBlockListChanges _changes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    // Bumped by every invalidation: a load that started before one must not put its older answer in the cache.
    private long _generation;

    public BlockService(IBlockStore store, IBlockListChanges changes, TimeProvider time)
    {
        _store = store;
        _changes = changes;
        _time = time;
        changes.Subscribe(Invalidate);
    }

    /// <summary>Whether <paramref name="recipient"/> blocked <paramref name="sender"/>.</summary>
    public async ValueTask<bool> IsBlockedAsync(string recipient, string sender, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (_cache.TryGetValue(recipient, out var entry) && now < entry.ExpiresAt)
        {
            return entry.Blocked.Contains(sender);
        }
        var generation = Volatile.Read(ref _generation);
        var blocked = (await _store.GetBlockedAsync(recipient, MaxBlockedUsers, cancellationToken).ConfigureAwait(false)).ToFrozenSet(StringComparer.Ordinal);
        if (Volatile.Read(ref _generation) == generation)
        {
            if (_cache.Count >= MaxCachedUsers)
            {
                _cache.Clear();
            }
            _cache[recipient] = new Entry(blocked, now + (long)(EntryTtl.TotalSeconds * _time.TimestampFrequency));
        }
        return blocked.Contains(sender);
    }

    public async Task<BlockResult> BlockAsync(string userId, BlockRequest? request, CancellationToken cancellationToken)
    {
        var other = Target(userId, request);
        var current = await _store.GetBlockedAsync(userId, MaxBlockedUsers, cancellationToken).ConfigureAwait(false);
        if (current.Count >= MaxBlockedUsers && !current.Contains(other, StringComparer.Ordinal))
        {
            throw ImException.Invalid($"At most {MaxBlockedUsers} users can be blocked.");
        }
        await ChangeAsync(userId, other, blocked: true, cancellationToken).ConfigureAwait(false);
        return new BlockResult { UserId = other, Blocked = true };
    }

    public async Task<BlockResult> UnblockAsync(string userId, BlockRequest? request, CancellationToken cancellationToken)
    {
        var other = Target(userId, request);
        await ChangeAsync(userId, other, blocked: false, cancellationToken).ConfigureAwait(false);
        return new BlockResult { UserId = other, Blocked = false };
    }

    public async Task<BlockedUsersResult> GetBlockedAsync(string userId, CancellationToken cancellationToken) =>
        new() { UserIds = [.. await _store.GetBlockedAsync(userId, MaxBlockedUsers, cancellationToken).ConfigureAwait(false)] };

    /// <summary>Drops the cached list of <paramref name="userId"/> (a change announced by some node).</summary>
    internal void Invalidate(string userId)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(userId, out _);
    }

    private async Task ChangeAsync(string userId, string other, bool blocked, CancellationToken cancellationToken)
    {
        if (await _store.SetBlockedAsync(userId, other, blocked, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false))
        {
            // Committed first, then announced: a node that reloads after the notice reads the new list.
            Invalidate(userId);
            try
            {
                await _changes.PublishAsync(userId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ImException ex) when (ex.Code == ImErrorCode.StateUnavailable)
            {
                // The other nodes see it when their entry expires (EntryTtl); this node already does.
            }
        }
    }

    private static string Target(string userId, BlockRequest? request)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var other = UserIds.Validate(request.UserId, "userId");
        if (string.Equals(other, userId, StringComparison.Ordinal))
        {
            throw new ImException(ImErrorCode.InvalidRecipient, "'userId' must be another user.");
        }
        return other;
    }

    private sealed record Entry(FrozenSet<string> Blocked, long ExpiresAt);
}
