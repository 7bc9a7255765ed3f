namespace ImSignalR.RocketMq.Consumer.Internal;

/// <summary>
/// <c>AllocateMessageQueueAveragely</c> (doc §7.2). Both lists must be sorted (ordinal) by the caller, so every
/// consumer of the group computes the same split.
/// </summary>
internal static class QueueAllocator
{
    public static List<MessageQueue> Allocate(string clientId, IReadOnlyList<MessageQueue> mqAll, IReadOnlyList<string> cidAll)
    {
        var result = new List<MessageQueue>();
        var index = -1;
        for (var i = 0; i < cidAll.Count; i++)
        {
            if (string.Equals(cidAll[i], clientId, StringComparison.Ordinal))
            {
                index = i;
                break;
            }
        }
        if (index < 0 || mqAll.Count == 0)
        {
            return result;
        }
        var n = mqAll.Count;
        var c = cidAll.Count;
        var mod = n % c;
        var avg = n <= c ? 1 : (mod > 0 && index < mod ? n / c + 1 : n / c);
        var start = mod > 0 && index < mod ? index * avg : index * avg + mod;
        var range = Math.Min(avg, n - start);
        for (var i = 0; i < range; i++)
        {
            result.Add(mqAll[(start + i) % n]);
        }
        return result;
    }
}
