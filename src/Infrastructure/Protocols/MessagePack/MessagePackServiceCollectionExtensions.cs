using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImSignalR.Infrastructure.Protocols.MessagePack;

/// <summary>Registers the project's own <c>messagepack</c> hub protocol (the official package does not restore here).</summary>
public static class MessagePackServiceCollectionExtensions
{
    /// <summary>Adds the <c>messagepack</c> hub protocol next to JSON; clients choose one in the handshake.</summary>
    public static ISignalRServerBuilder AddImMessagePackProtocol(this ISignalRServerBuilder builder) =>
        builder.AddImMessagePackProtocol(static _ => { });

    /// <summary>Adds the <c>messagepack</c> hub protocol and configures its input limits.</summary>
    public static ISignalRServerBuilder AddImMessagePackProtocol(
        this ISignalRServerBuilder builder, Action<MessagePackHubProtocolOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<MessagePackHubProtocolOptions>()
            .Configure(configure)
            .Validate(o => o.MaxDepth > 0 && o.MaxStringLength > 0 && o.MaxBinaryLength >= 0 && o.MaxArrayLength >= 0
                && o.MaxMapLength >= 0 && o.MaxMessageSize > 0, "MessagePack limits must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, MessagePackHubProtocol>());
        return builder;
    }
}
