using ImSignalR.Domain.Moderation;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Hub.Moderation;

/// <summary>
/// The built-in moderator: a words file (one term a line, <c>#</c> starts a comment), matched in one pass
/// (<see cref="TermMatcher"/>), <c>reject</c> or <c>mask</c>. The file is checked for changes every
/// <see cref="PollInterval"/> (its write time and length, which works on every file system, unlike change
/// notifications on network and container mounts) and a changed file replaces the list without a restart. A file
/// that cannot be read or parsed leaves the previous list in force.
/// </summary>
internal sealed class WordListModerator : IContentModerator, IDisposable
{
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Bound on the list, so a wrong file cannot take the node's memory.</summary>
    internal const int MaxTerms = 200_000;

    private readonly string _path;
    private readonly bool _mask;
    private readonly ILogger _logger;
    private readonly Timer _poll;
    private TermMatcher _matcher = TermMatcher.Empty;
    private (DateTime WriteTime, long Length) _loaded;
    private int _reloading;

    /// <exception cref="InvalidOperationException">The file cannot be loaded at start: a node must not run unmoderated by accident.</exception>
    public WordListModerator(string path, bool mask, ILogger logger)
    {
        _path = path;
        _mask = mask;
        _logger = logger;
        if (!TryReload(out var error))
        {
            throw new InvalidOperationException($"Im:Moderation:WordsFile '{path}' could not be loaded: {error!.Message}", error);
        }
        _poll = new Timer(_ => TryReload(out Exception? _), null, PollInterval, PollInterval);
    }

    public int TermCount => Volatile.Read(ref _matcher).TermCount;

    public ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken)
    {
        var matcher = Volatile.Read(ref _matcher);
        if (!_mask)
        {
            return ValueTask.FromResult(matcher.Matches(content) ? ModerationVerdict.Rejected : ModerationVerdict.Allowed);
        }
        var masked = matcher.Mask(content);
        return ValueTask.FromResult(masked is null ? ModerationVerdict.Allowed : ModerationVerdict.Masked(masked));
    }

    /// <summary>Reloads when the file changed since the last load (tests call it to skip the wait).</summary>
    internal bool TryReload(out Exception? error)
    {
        error = null;
        if (Interlocked.Exchange(ref _reloading, 1) == 1)
        {
            return true;
        }
        try
        {
            var info = new FileInfo(_path);
            var stamp = (info.LastWriteTimeUtc, info.Length);
            if (stamp == _loaded && _matcher != TermMatcher.Empty)
            {
                return true;
            }
            var terms = File.ReadLines(_path)
                .Select(line => line.Trim())
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .Take(MaxTerms + 1)
                .ToList();
            if (terms.Count > MaxTerms)
            {
                throw new InvalidDataException($"More than {MaxTerms} terms.");
            }
            Volatile.Write(ref _matcher, TermMatcher.Build(terms));
            _loaded = stamp;
            ModerationLog.WordsLoaded(_logger, _path, _matcher.TermCount);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            error = ex;
            ModerationLog.WordsLoadFailed(_logger, _path, ex);
            return false;
        }
        finally
        {
            Volatile.Write(ref _reloading, 0);
        }
    }

    public void Dispose() => _poll.Dispose();
}
