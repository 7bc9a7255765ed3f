using System.Collections.Concurrent;
using ImSignalR.Domain.Services;

namespace ImSignalR.UnitTests.Groups;

public sealed class GroupReadThrottleTests
{
    [Fact]
    public async Task TheFirstReadGoesAtOnceAndLaterOnesFoldIntoOneTrailingEventWithTheNewestSeq()
    {
        var throttle = new GroupReadThrottle(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var sent = new ConcurrentQueue<(string User, long Seq)>();
        Func<long, Task> Send(string user) => seq =>
        {
            sent.Enqueue((user, seq));
            return Task.CompletedTask;
        };

        throttle.Offer("grp:1", "bob", 3, Send("bob"));
        throttle.Offer("grp:1", "bob", 5, Send("bob"));
        throttle.Offer("grp:1", "bob", 4, Send("bob"));
        throttle.Offer("grp:1", "carol", 2, Send("carol")); // another reader is not held back
        Assert.Equal([("bob", 3L), ("carol", 2L)], sent);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (sent.Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(300); // nothing more may follow
        Assert.Equal([("bob", 3L), ("carol", 2L), ("bob", 5L)], sent);
    }
}
