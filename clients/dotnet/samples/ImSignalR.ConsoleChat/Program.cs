using ImSignalR.Client;
using ImSignalR.ConsoleChat;

var arguments = ChatArguments.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine("usage: ImSignalR.ConsoleChat --user alice [--to bob] [--url http://localhost:5000] [--protocol json|messagepack]");
    return 2;
}

using var http = new HttpClient { BaseAddress = arguments.Url };
var tokens = new DevTokens(http, arguments.User);
await using var client = new ImChatClient(new ImChatClientOptions
{
    HubUri = new Uri(arguments.Url, "/hubs/chat"),
    AccessTokenProvider = tokens.GetAsync, // called again on every reconnect
    Protocol = arguments.Protocol,
});
client.StateChanged += change => Console.WriteLine($"[{change.Current}{(change.Error is null ? "" : ": " + change.Error.Message)}]");
client.StatusReceived += status =>
{
    Console.WriteLine($"  ({status.ByUserId} {status.Status.ToLowerInvariant()} {status.MsgId})");
    return Task.CompletedTask;
};

using var quit = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    quit.Cancel();
};

await client.ConnectAsync(quit.Token);
var to = arguments.To;
Console.WriteLine($"Connected as {arguments.User}. Type a message and Enter{(to is null ? " (pick someone first with '/to name')" : $" to send it to {to}")}; '/to name' switches, '/quit' leaves.");

// Incoming messages, once each and in order, read from the channel.
var printer = Task.Run(async () =>
{
    try
    {
        await foreach (var message in client.ReadMessagesAsync(quit.Token))
        {
            Console.WriteLine($"{message.FromUserId} [{message.Seq}]: {message.Content}");
            if (message.FromUserId != arguments.User)
            {
                await client.MarkReadAsync([message.MsgId], quit.Token);
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
});

while (!quit.IsCancellationRequested && Console.ReadLine() is { } line)
{
    if (line == "/quit")
    {
        break;
    }
    if (line.StartsWith("/to ", StringComparison.Ordinal))
    {
        to = line[4..].Trim();
        continue;
    }
    if (to is null || line.Length == 0)
    {
        continue;
    }
    try
    {
        // The outbox resends through reconnects; the task ends when the server has the message.
        var result = await client.SendTextAsync(to, line, quit.Token);
        Console.WriteLine($"  (sent #{result.Seq})");
    }
    catch (ImServerException ex)
    {
        Console.WriteLine($"  (refused: {ex.Code})");
    }
}

await quit.CancelAsync();
await printer;
return 0;
