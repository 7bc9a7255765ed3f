using ImSignalR.Hub.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace ImSignalR.Bench.Micro;

/// <summary>The <c>messagepack</c> protocol exactly as the hub registers it, taken through the public registration.</summary>
internal static class HubMessagePack
{
    public static IHubProtocol Create() =>
        new ServiceCollection().AddSignalR().AddImMessagePackProtocol().Services.BuildServiceProvider()
            .GetServices<IHubProtocol>().Single(p => p.Name == "messagepack");
}
