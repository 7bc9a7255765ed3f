using ImSignalR.Client.Protocol.MessagePack;

namespace ImSignalR.Client.Protocol;

/// <summary>Picks the wire protocol by name.</summary>
internal static class HubProtocols
{
    public static IHubWireProtocol Create(string name) => name switch
    {
        "json" => new JsonWireProtocol(),
        "messagepack" => new MessagePackWireProtocol(),
        _ => throw new ArgumentException($"Unknown hub protocol '{name}'. Supported: json, messagepack.", nameof(name)),
    };
}
