using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImSignalR.Hub.Protocols.MessagePack;

/// <summary>Registers the official <c>messagepack</c> hub protocol with the project's wire options.</summary>
public static class MessagePackServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>messagepack</c> hub protocol next to JSON; clients choose one in the handshake.
    /// Not <c>AddMessagePackProtocol()</c>: that registers the bare official protocol, and a second
    /// protocol of the same name would make which one answers depend on registration order.
    /// </summary>
    public static ISignalRServerBuilder AddImMessagePackProtocol(this ISignalRServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MessagePackHubProtocolOptions>()
            .Configure(o => o.SerializerOptions = MessagePackWire.SerializerOptions);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, ImMessagePackHubProtocol>());
        return builder;
    }
}
