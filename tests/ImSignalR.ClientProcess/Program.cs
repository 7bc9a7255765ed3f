using ImSignalR.Client;
using ImSignalR.Client.State;

// Usage: ImSignalR.ClientProcess <send|drain> <hubUri> <stateDb> <userId> [toUserId count prefix]
// The token comes from IM_CLIENT_TOKEN (a dev-key JWT for userId).
//   send:  queues `count` texts "<prefix>-<i>" to toUserId before connecting, waits until all are in the
//          store, prints "QUEUED", connects, waits for every confirmation, prints "SENT". A test kills it
//          somewhere in between.
//   receive: acks nothing in practice (a 1-hour ack interval), prints "GOT <content>" per message the
//          app is handed and "CONNECTED"; runs until killed. Messages stay undelivered on the server,
//          so only the stored cursors keep a restart from handing them over again.
//   drain: connects (the stored outbox is restored and sent), prints "RESTORED <n>", waits until the
//          outbox is empty, prints "DRAINED", disposes the client.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: send|drain hubUri stateDb userId [toUserId count prefix]");
    return 2;
}
var (mode, hubUri, stateDb, userId) = (args[0], new Uri(args[1]), args[2], args[3]);
var token = Environment.GetEnvironmentVariable("IM_CLIENT_TOKEN") ?? throw new InvalidOperationException("IM_CLIENT_TOKEN is not set.");
var store = new SqliteClientStateStore(stateDb);
var client = new ImChatClient(new ImChatClientOptions
{
    HubUri = hubUri,
    AccessTokenProvider = _ => ValueTask.FromResult<string?>(token),
    StateStore = store,
    UserId = userId,
    ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
    ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    SendRetryInitialDelay = TimeSpan.FromMilliseconds(50),
    SendRetryMaxDelay = TimeSpan.FromMilliseconds(500),
    AckFlushInterval = mode == "receive" ? TimeSpan.FromHours(1) : TimeSpan.FromMilliseconds(100),
});
switch (mode)
{
    case "send":
        var (to, count, prefix) = (args[4], int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture), args[6]);
        var sends = Enumerable.Range(0, count).Select(i => client.SendTextAsync(to, $"{prefix}-{i}")).ToArray();
        // Nothing is sent before the connection, so the store ends up with all of them: then they are durable.
        while ((await store.LoadAsync(userId, 1, CancellationToken.None)).Outbox.Count < count)
        {
            await Task.Delay(20);
        }
        Console.WriteLine("QUEUED");
        await client.ConnectAsync();
        await Task.WhenAll(sends);
        Console.WriteLine("SENT");
        break;
    case "receive":
        client.MessageReceived += m =>
        {
            Console.WriteLine("GOT " + m.Content);
            return Task.CompletedTask;
        };
        await client.ConnectAsync();
        Console.WriteLine("CONNECTED");
        await Task.Delay(Timeout.Infinite);
        break;
    case "drain":
        await client.ConnectAsync();
        Console.WriteLine($"RESTORED {client.PendingSends}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (client.PendingSends > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Console.WriteLine(client.PendingSends == 0 ? "DRAINED" : $"STUCK {client.PendingSends}");
        break;
    default:
        Console.Error.WriteLine("unknown mode " + mode);
        return 2;
}
await client.DisposeAsync();
return 0;
