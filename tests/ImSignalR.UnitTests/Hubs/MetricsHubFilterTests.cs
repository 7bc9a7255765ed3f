using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Hubs;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using static ImSignalR.UnitTests.Hubs.FilterHarness;

namespace ImSignalR.UnitTests.Hubs;

/// <summary><c>im.rejections{code,op}</c> (names and labels as docs/operations.md lists them) and the <c>im.connections</c> gauge.</summary>
public sealed class MetricsHubFilterTests : IDisposable
{
    private readonly Meter _meter = new("test-" + Guid.NewGuid());
    private readonly MeterRecorder _recorder;
    private readonly CapturingLogger<MetricsHubFilter> _log = new();
    private readonly MetricsHubFilter _filter;

    public MetricsHubFilterTests()
    {
        _recorder = new MeterRecorder(_meter);
        _filter = new MetricsHubFilter(new MessagingMetrics(_meter), new ConnectionGauge(_meter), _log);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public async Task ARefusedCallIsCountedByItsCodeAndMethodAndStillThrown()
    {
        await Assert.ThrowsAsync<ImException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendGroup)),
            Throws(new ImException(ImErrorCode.Forbidden, "not a member."))).AsTask());

        Assert.Equal(["IM_FORBIDDEN/SendGroup"], _recorder.Rejections);
    }

    [Fact]
    public async Task AMethodTheProductDoesNotHaveIsCountedAsOther()
    {
        await Assert.ThrowsAsync<ImException>(() => _filter.InvokeMethodAsync(Invocation(nameof(TestHub.MadeUp)),
            Throws(ImException.Invalid("bad."))).AsTask());

        Assert.Equal(["IM_INVALID_ARGUMENT/other"], _recorder.Rejections);
    }

    [Fact]
    public async Task AnUnexpectedFaultIsCountedAsInternalAndAHubExceptionOrCancellationIsNot()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)), Throws(new InvalidOperationException())).AsTask());
        await Assert.ThrowsAsync<HubException>(() =>
            _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)), Throws(new HubException("IM_X: mapped already."))).AsTask());
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)), Throws(new OperationCanceledException())).AsTask());

        Assert.Equal(["IM_INTERNAL/Ack"], _recorder.Rejections);
    }

    [Fact]
    public async Task ASuccessfulCallCountsNothing()
    {
        await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)), Returns(null));

        Assert.Empty(_recorder.Rejections);
    }

    [Fact]
    public async Task AnAdmittedConnectionIsInTheGaugeUntilItCloses()
    {
        var context = Lifetime();
        await _filter.OnConnectedAsync(context, _ => Task.CompletedTask);
        Assert.Equal(1, _recorder.Gauge("im.connections"));

        await _filter.OnDisconnectedAsync(context, null, (_, _) => Task.CompletedTask);

        Assert.Equal(0, _recorder.Gauge("im.connections"));
        Assert.Empty(_recorder.Rejections);
    }

    [Theory]
    [InlineData(ImErrorCode.TooManyConnections, "IM_TOO_MANY_CONNECTIONS/connect")]
    [InlineData(ImErrorCode.ShuttingDown, "IM_SHUTTING_DOWN/connect")]
    public async Task ARefusedConnectionIsCountedUnderConnectAndNotInTheGauge(ImErrorCode code, string counted)
    {
        await Assert.ThrowsAsync<ImException>(() => _filter.OnConnectedAsync(Lifetime(), _ => throw new ImException(code, "refused.")));

        Assert.Equal([counted], _recorder.Rejections);
        Assert.Equal(0, _recorder.Gauge("im.connections"));
    }

    [Fact]
    public async Task AFaultInConnectIsNotARejection()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _filter.OnConnectedAsync(Lifetime(), _ => throw new InvalidOperationException()));

        Assert.Empty(_recorder.Rejections);
        Assert.Equal(0, _recorder.Gauge("im.connections"));
    }

    public static TheoryData<Exception, string> RefusedFrames => new()
    {
        { new InvalidDataException("The maximum message size of 32768B was exceeded."), "IM_MESSAGE_TOO_LARGE/receive" },
        { new InvalidDataException("Unexpected character."), "IM_INVALID_FRAME/receive" },
        { new WebSocketException(WebSocketError.Faulted), "IM_INVALID_FRAME/receive" },
    };

    [Theory]
    [MemberData(nameof(RefusedFrames))]
    public async Task AConnectionClosedForABadFrameIsCountedUnderReceiveAndLogged(Exception closedBy, string counted)
    {
        var context = Lifetime("conn-bad");
        await _filter.OnConnectedAsync(context, _ => Task.CompletedTask);

        await _filter.OnDisconnectedAsync(context, closedBy, (_, _) => Task.CompletedTask);

        Assert.Equal([counted], _recorder.Rejections);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Debug, 2006), (entry.Level, entry.Id));
        Assert.Contains("conn-bad", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientThatDropsTheSocketIsNotARejection()
    {
        var context = Lifetime();
        await _filter.OnConnectedAsync(context, _ => Task.CompletedTask);

        await _filter.OnDisconnectedAsync(context, new WebSocketException(WebSocketError.ConnectionClosedPrematurely), (_, _) => Task.CompletedTask);

        Assert.Empty(_recorder.Rejections);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task TheDisconnectGoesOnToTheHub()
    {
        var passed = (Exception?)null;
        var closedBy = new InvalidDataException("bad");

        await _filter.OnDisconnectedAsync(Lifetime(), closedBy, (_, e) => { passed = e; return Task.CompletedTask; });

        Assert.Same(closedBy, passed);
    }
}
