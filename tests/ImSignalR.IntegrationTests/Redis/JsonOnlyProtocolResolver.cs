using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.IntegrationTests.Redis;

internal sealed class JsonOnlyProtocolResolver : IHubProtocolResolver
{
    private static readonly IHubProtocol Json = new JsonHubProtocol();

    public IReadOnlyList<IHubProtocol> AllProtocols { get; } = [Json];

    public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols) =>
        protocolName == Json.Name ? Json : null;
}
