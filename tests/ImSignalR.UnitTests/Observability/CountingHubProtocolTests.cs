using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using ImSignalR.Contracts;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace ImSignalR.UnitTests.Observability;

/// <summary>Issue 14 items 6 and 9, at the protocol: unknown record types are consumed, binding failures carry a code.</summary>
public sealed class CountingHubProtocolTests
{
    private const char Rs = '\u001e';
    private readonly CountingHubProtocol _protocol = new(new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions())),
        new MessagingMetrics(new Meter("test-" + Guid.NewGuid())));

    [Fact]
    public void AnUnknownRecordIsSkippedAndTheInvocationAfterItParsed()
    {
        var input = Input("{\"type\":99}" + Rs + "{\"type\":1,\"invocationId\":\"1\",\"target\":\"GetConversations\",\"arguments\":[]}" + Rs);

        Assert.True(_protocol.TryParseMessage(ref input, Binder.Instance, out var message));
        Assert.Equal("GetConversations", Assert.IsType<InvocationMessage>(message).Target);
        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void UnknownRecordsAloneAreConsumedAsAPing()
    {
        var input = Input("{\"type\":99}" + Rs + "{\"type\":42}" + Rs + "{\"type\":1,\"target\"");

        Assert.True(_protocol.TryParseMessage(ref input, Binder.Instance, out var message));
        Assert.Same(PingMessage.Instance, message);
        Assert.Equal("{\"type\":1,\"target\"", Encoding.UTF8.GetString(input.ToArray()));
    }

    [Fact]
    public void AnIncompleteRecordIsLeftForMoreData()
    {
        const string partial = "{\"type\":1,\"target\"";
        var input = Input(partial);

        Assert.False(_protocol.TryParseMessage(ref input, Binder.Instance, out var message));
        Assert.Null(message);
        Assert.Equal(Encoding.UTF8.GetByteCount(partial), input.Length);
    }

    [Fact]
    public void AnArgumentOfTheWrongTypeBecomesAHubExceptionWithImInvalidArgument()
    {
        var input = Input("{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendC2C\",\"arguments\":[{\"ext\":{\"a\":1}}]}" + Rs);

        Assert.True(_protocol.TryParseMessage(ref input, Binder.Instance, out var message));
        var failure = Assert.IsType<InvocationBindingFailureMessage>(message);
        var error = Assert.IsType<HubException>(failure.BindingFailure.SourceException);
        Assert.StartsWith("IM_INVALID_ARGUMENT: the arguments of SendC2C ", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void AMadeUpTargetIsNotEchoedInTheError()
    {
        var input = Input("{\"type\":1,\"invocationId\":\"1\",\"target\":\"madeUpSecret\",\"arguments\":[1]}" + Rs);

        Assert.True(_protocol.TryParseMessage(ref input, Binder.Instance, out var message));
        var error = Assert.IsType<InvocationBindingFailureMessage>(message).BindingFailure.SourceException.Message;
        Assert.StartsWith("IM_INVALID_ARGUMENT: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("madeUpSecret", error, StringComparison.Ordinal);
    }

    private static ReadOnlySequence<byte> Input(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>SendC2C takes a request; GetConversations nothing; any other name is unknown.</summary>
    private sealed class Binder : IInvocationBinder
    {
        public static readonly Binder Instance = new();

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => methodName switch
        {
            HubMethods.SendC2C => [typeof(SendRequest)],
            HubMethods.GetConversations => [],
            _ => throw new HubException($"Method '{methodName}' does not exist."),
        };

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
