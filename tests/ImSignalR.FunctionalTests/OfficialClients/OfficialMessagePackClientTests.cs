using System.Collections.Concurrent;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.FunctionalTests.OfficialClients;

/// <summary>
/// The official .NET client on both protocols through the hub (SPEC §3.4): a C2C message sent as a
/// plain map with camelCase keys binds, and what comes back — the result over MessagePack, the push over
/// MessagePack and over JSON — carries exactly the JSON names, msgId as a decimal string.
/// </summary>
public sealed class OfficialMessagePackClientTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    // groupId and mentions since group chat (SPEC §10): nil on a C2C message, but present, as every key is.
    private static readonly string[] MessageKeys = ["msgId", "clientMsgId", "chatId", "seq", "fromUserId", "toUserId", "content", "msgFormat", "ext", "sendTime", "status", "recalled", "groupId", "mentions"];

    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task AC2CMessageTravelsWithCamelCaseKeysOverMessagePackAndJson()
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await OfficialClient.ConnectAsync(Hub, aliceId, "messagepack");
        await using var bobMessagePack = await OfficialClient.ConnectAsync(Hub, bobId, "messagepack");
        await using var bobJson = await OfficialClient.ConnectAsync(Hub, bobId, "json");
        // Untyped handlers: the maps and objects exactly as they came off the wire.
        var overMessagePack = new ConcurrentQueue<Dictionary<object, object?>>();
        var overJson = new ConcurrentQueue<JsonElement>();
        bobMessagePack.On<Dictionary<object, object?>>(HubMethods.ReceiveC2C, overMessagePack.Enqueue);
        bobJson.On<JsonElement>(HubMethods.ReceiveC2C, overJson.Enqueue);

        const string content = "héllo 你好 😀";
        var request = new Dictionary<string, object?>
        {
            ["clientMsgId"] = "raw-" + Guid.NewGuid().ToString("N"),
            ["toUserId"] = bobId,
            ["content"] = content,
            ["msgFormat"] = 1,
        };
        var result = await alice.InvokeAsync<Dictionary<object, object?>>(HubMethods.SendC2C, request);

        Assert.Equal(["chatId", "duplicate", "msgId", "seq", "serverTime"], result.Keys.Cast<string>().Order(StringComparer.Ordinal));
        var msgId = Assert.IsType<string>(result["msgId"]);
        Assert.True(long.TryParse(msgId, out _), "msgId is a decimal string: " + msgId);
        Assert.Equal(false, result["duplicate"]);

        await Eventually.TrueAsync(() => !overMessagePack.IsEmpty && !overJson.IsEmpty, "the push on both of bob's connections");
        // More than one only when the sweeper replayed it (1 s here; this client never acks): the same message (G4).
        Assert.All(overMessagePack, p => Assert.Equal(msgId, p["msgId"]));
        Assert.All(overJson, j => Assert.Equal(msgId, j.GetProperty("msgId").GetString()));
        var pushed = overMessagePack.First();
        Assert.Equal(MessageKeys.Order(StringComparer.Ordinal), pushed.Keys.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal(msgId, pushed["msgId"]);
        Assert.Equal(content, pushed["content"]);
        Assert.Equal(aliceId, pushed["fromUserId"]);
        var json = overJson.First();
        Assert.Equal(pushed.Keys.Cast<string>().Order(StringComparer.Ordinal), json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(msgId, json.GetProperty("msgId").GetString());
    }

    [Fact]
    public async Task TheContractTypesRoundTripThroughTheOfficialMessagePackClient()
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await OfficialClient.ConnectAsync(Hub, aliceId, "messagepack");
        await using var bob = await OfficialClient.ConnectAsync(Hub, bobId, "messagepack");
        var received = new ConcurrentQueue<ImMessage>();
        bob.On<ImMessage>(HubMethods.ReceiveC2C, received.Enqueue);

        var sent = await alice.InvokeAsync<SendResult>(HubMethods.SendC2C, OfficialClient.Text(bobId, "typed"));
        await Eventually.TrueAsync(() => !received.IsEmpty, "bob's push");
        var message = Assert.Single(received);
        Assert.Equal((sent.MsgId, sent.ChatId, sent.Seq, "typed", aliceId), (message.MsgId, message.ChatId, message.Seq, message.Content, message.FromUserId));

        var ack = await bob.InvokeAsync<AckResult>(HubMethods.Ack, new AckRequest { MsgIds = [sent.MsgId], Status = "Read" });
        Assert.Equal(1, ack.Acked);
        var sync = await alice.InvokeAsync<SyncResult>(HubMethods.SyncMessages, new SyncRequest { ChatId = sent.ChatId, AfterSeq = 0 });
        Assert.Equal(sent.MsgId, Assert.Single(sync.Messages).MsgId);
        Assert.Equal(sent.Seq, sync.MaxSeqByChat[sent.ChatId]);
    }
}
