using ImSignalR.Hub.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

public sealed class MessagePackRegistrationTests
{
    [Fact]
    public void AddImMessagePackProtocolRegistersOneMessagePackProtocolWithTheWireOptions()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddImMessagePackProtocol().AddImMessagePackProtocol();
        using var provider = services.BuildServiceProvider();

        var protocols = provider.GetServices<IHubProtocol>().OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(["json", "messagepack"], protocols.Select(p => p.Name));
        Assert.IsType<ImMessagePackHubProtocol>(protocols[1]);
        Assert.Equal(2, protocols[1].Version); // version 2 carries the ack/sequence messages of stateful reconnect
        Assert.Same(MessagePackWire.SerializerOptions, provider.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.SerializerOptions);
    }
}
