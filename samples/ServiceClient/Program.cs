using System.Text.Json;
using ImSignalR.RocketMq;
using ImSignalR.Samples.ServiceClient;
using Microsoft.Extensions.Logging;

// Seed 002's client/main.go in C#: send a request, await its response by request_id, print events.
//   dotnet run -- send <to_user_id> <message>     send_message as $USER_ID
//   dotnet run -- send-group <group_id> <message> send_message to a group $USER_ID is a member of
//   dotnet run -- history <chat_id> [limit]       get_history as $USER_ID
//   dotnet run -- events                           print events until Ctrl+C
// Environment: ROCKETMQ_NAMESERVER (host:port), ROCKETMQ_GROUP (chat_client_group), USER_ID (user_001).
var nameServer = Environment.GetEnvironmentVariable("ROCKETMQ_NAMESERVER") ?? "127.0.0.1:9876";
var group = Environment.GetEnvironmentVariable("ROCKETMQ_GROUP") ?? "chat_client_group";
var userId = Environment.GetEnvironmentVariable("USER_ID") ?? "user_001";
var timeout = TimeSpan.FromSeconds(10);

if (args.Length == 0 || args[0] is not ("send" or "send-group" or "history" or "events")
    || (args[0] is "send" or "send-group" && args.Length < 3) || (args[0] == "history" && args.Length < 2))
{
    Console.Error.WriteLine("usage: send <to_user_id> <message> | send-group <group_id> <message> | history <chat_id> [limit] | events");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var options = new RocketMqOptions { NameServer = nameServer, ProducerGroup = group + "_producer" };
await using var client = new ServiceClient(options, group, loggerFactory.CreateLogger("ServiceClient"));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

if (args[0] == "events")
{
    await client.SubscribeEventsAsync(group, (type, body) => Console.WriteLine($"[{type}] {body}"), stop.Token);
    Console.WriteLine($"listening on {options.Service.EventTopic} as {group}; Ctrl+C stops");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
    return 0;
}

await client.StartAsync(stop.Token);
long groupId = 0;
if (args[0] == "send-group" && (!long.TryParse(args[1], out groupId) || groupId <= 0))
{
    Console.Error.WriteLine("group_id must be a positive number");
    return 2;
}
object data = args[0] switch
{
    "send" => new { to_user_id = args[1], message = args[2] },
    // SPEC §13: send_message with group_id (a decimal string, as on the wire everywhere) instead of to_user_id; the hub checks the membership.
    "send-group" => new { group_id = groupId.ToString(System.Globalization.CultureInfo.InvariantCulture), message = args[2] },
    _ => new { chat_id = args[1], limit = args.Length > 2 && int.TryParse(args[2], out var n) ? n : 20 },
};
try
{
    var response = await client.RequestAsync(userId, args[0] == "history" ? "get_history" : "send_message", data, timeout, stop.Token);
    Console.WriteLine(JsonSerializer.Serialize(response, new JsonSerializerOptions { WriteIndented = true }));
    return response.GetProperty("success").GetBoolean() ? 0 : 1;
}
catch (TimeoutException)
{
    Console.Error.WriteLine($"no response within {timeout.TotalSeconds} s");
    return 1;
}
