using System.Buffers;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Wraps a hub protocol to count arguments SignalR could not bind (wrong types, nesting deeper than the
/// reader allows, invalid UTF-16 escapes): SignalR answers those itself, before any hub filter runs,
/// so without this they would be refused but invisible in <c>im.rejections</c>.
/// </summary>
internal sealed class CountingHubProtocol(IHubProtocol inner, MessagingMetrics metrics) : IHubProtocol
{
    private static readonly string Code = ImErrorCode.InvalidArgument.ToWire();

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
    {
        var parsed = inner.TryParseMessage(ref input, binder, out message);
        if (message is InvocationBindingFailureMessage failure)
        {
            // The target is whatever the client sent, a made-up name included: bound it.
            metrics.CountRejection(Code, MetricLabels.HubOperation(failure.Target));
        }
        return parsed;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    /// <summary>Wraps every registered <see cref="IHubProtocol"/>; call after the protocols are added.</summary>
    public static void Decorate(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var original = services[i];
            if (original.ServiceType != typeof(IHubProtocol) || original.IsKeyedService)
            {
                continue;
            }
            services[i] = ServiceDescriptor.Singleton<IHubProtocol>(sp =>
                new CountingHubProtocol(Create(sp, original), sp.GetRequiredService<MessagingMetrics>()));
        }
    }

    private static IHubProtocol Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IHubProtocol)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
