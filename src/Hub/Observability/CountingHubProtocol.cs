using System.Buffers;
using System.Runtime.ExceptionServices;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Wraps each hub protocol (JSON and MessagePack) for what SignalR's dispatcher does not say our way:
/// <list type="bullet">
/// <item>Arguments SignalR could not bind (wrong types, nesting deeper than the reader allows, invalid
/// UTF-16 escapes) are answered by SignalR itself, before any hub filter runs, with its generic "error on
/// the server". They are counted in <c>im.rejections</c> here, and their cause becomes a
/// <see cref="HubException"/> carrying <c>IM_INVALID_ARGUMENT</c>: SignalR passes a HubException's text
/// on to the caller, so the completion carries the stable code SPEC §5 promises.</item>
/// <item>A record of a message type the protocol does not know is consumed and ignored, as the protocols
/// intend ("old clients can ignore them"). The inner protocol does consume it but answers "not parsed",
/// and with a maximum message size set SignalR then keeps the record at the head of its buffer: the
/// connection would answer nothing more until 32 KB arrived and closed it.</item>
/// </list>
/// </summary>
internal sealed class CountingHubProtocol(IHubProtocol inner, MessagingMetrics metrics) : IHubProtocol
{
    private static readonly string Code = ImErrorCode.InvalidArgument.ToWire();

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
    {
        var skipped = false;
        while (true)
        {
            var before = input.Length;
            if (inner.TryParseMessage(ref input, binder, out message))
            {
                break;
            }
            if (input.Length == before)
            {
                // Nothing consumed: the next record is not complete yet. Records of unknown types were
                // consumed before it; a ping stands for them so SignalR moves its buffer past them.
                message = skipped ? PingMessage.Instance : null;
                return skipped;
            }
            // A whole record the protocol does not know: ignore it and read on.
            skipped = true;
        }
        if (message is InvocationBindingFailureMessage failure)
        {
            // The target is whatever the client sent, a made-up name included: bound it.
            var operation = MetricLabels.HubOperation(failure.Target);
            metrics.CountRejection(Code, operation);
            // Already coded (the MessagePack protocol's refusals) stays; SignalR's own ("Method does not
            // exist.") and the serializers' exceptions get the code.
            if (failure.BindingFailure.SourceException is not HubException { Message: var text } || !text.StartsWith("IM_", StringComparison.Ordinal))
            {
                message = new InvocationBindingFailureMessage(failure.InvocationId, failure.Target,
                    ExceptionDispatchInfo.Capture(new HubException(Unreadable(operation), failure.BindingFailure.SourceException)));
            }
        }
        return true;
    }

    // The client's own target is not echoed (it may be 32 KB of anything); a known method is named.
    private static string Unreadable(string operation) => new ImException(ImErrorCode.InvalidArgument, operation == MetricLabels.Other
        ? "unknown hub method, or arguments that do not match its parameters."
        : $"the arguments of {operation} do not match its parameters (a field of the wrong type, or nesting too deep).").WireMessage;

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
