using ImSignalR.Client;
using ImSignalR.Contracts;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// The shared wire models leave a request's members optional, because the hub must answer a missing
/// one with an IM_ code instead of a deserialization failure. The SDK still needs a recipient (the
/// outbox's lane) and content, so it refuses a send without them before anything is queued or stored.
/// </summary>
public sealed class SendArgumentTests
{
    private static ImChatClient Offline() => new(new ImChatClientOptions { HubUri = new Uri("http://127.0.0.1:9/hubs/chat") });

    [Fact]
    public async Task ASendWithoutRecipientOrContentIsRefusedBeforeItIsQueued()
    {
        await using var client = Offline();

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendC2CAsync(new SendRequest { Content = "hi" }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendC2CAsync(new SendRequest { ToUserId = "bob" }));
        Assert.Equal(0, client.PendingSends);
    }

    [Fact]
    public async Task AGroupSendWithoutGroupOrContentIsRefusedBeforeItIsQueued()
    {
        await using var client = Offline();

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendGroupAsync(new SendGroupRequest { Content = "hi" }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendGroupAsync(new SendGroupRequest { GroupId = "7" }));
        Assert.Equal(0, client.PendingSends);
    }
}
