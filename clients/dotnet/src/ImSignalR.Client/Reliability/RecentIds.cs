namespace ImSignalR.Client.Reliability;

/// <summary>
/// A bounded set of the most recently added ids (least recently added evicted first). Dedupe needs
/// only a window: a re-push comes within the server's retry budget, long before thousands of newer
/// messages; beyond the window the per-conversation seq check still drops repeats. Not thread-safe.
/// </summary>
internal sealed class RecentIds
{
    private readonly int _capacity;
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public RecentIds(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count => _set.Count;

    public bool Contains(string id) => _set.Contains(id);

    /// <summary>Adds the id; false when it was already there.</summary>
    public bool Add(string id)
    {
        if (!_set.Add(id))
        {
            return false;
        }
        _order.Enqueue(id);
        if (_order.Count > _capacity)
        {
            _set.Remove(_order.Dequeue());
        }
        return true;
    }
}
