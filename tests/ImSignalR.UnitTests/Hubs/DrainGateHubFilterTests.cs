using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Hub.Hubs;
using static ImSignalR.UnitTests.Hubs.FilterHarness;

namespace ImSignalR.UnitTests.Hubs;

/// <summary>Graceful shutdown (SPEC §8, issue 10): refuse new work once stopping, let the work in flight finish.</summary>
public sealed class DrainGateHubFilterTests
{
    private readonly ConnectionDrain _drain = new();
    private readonly DrainGateHubFilter _filter;

    public DrainGateHubFilterTests() => _filter = new DrainGateHubFilter(_drain);

    [Fact]
    public async Task ARunningNodeLetsCallsThrough()
    {
        var result = new object();

        Assert.Same(result, await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C)), Returns(result)));
    }

    [Fact]
    public async Task AStoppingNodeRefusesACallWithTheRetriableCodeWithoutRunningIt()
    {
        _drain.Drain();
        var ran = false;

        var ex = await Assert.ThrowsAsync<ImException>(() =>
            _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C)), _ => { ran = true; return ValueTask.FromResult<object?>(null); }).AsTask());

        Assert.False(ran);
        Assert.Equal(ImErrorCode.ShuttingDown, ex.Code);
        Assert.True(ex.IsRetriable);
        Assert.Equal("IM_SHUTTING_DOWN: The node is shutting down; reconnect and retry.", ex.WireMessage);
    }

    [Fact]
    public async Task TheDrainWaitsForACallInFlightAndAFailedCallStillLeaves()
    {
        var release = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C)), _ => new ValueTask<object?>(release.Task)).AsTask();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)), Throws(new InvalidOperationException())).AsTask());

        var drain = Task.Run(_drain.Drain);
        await Task.Delay(200);
        Assert.False(drain.IsCompleted); // the send is still running
        release.SetResult(null);
        await call;

        var (inFlight, open) = await drain.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal((0, 0), (inFlight, open));
    }

    [Fact]
    public async Task AStoppingNodeRefusesAConnectionWithoutRunningTheHub()
    {
        _drain.Drain();
        var ran = false;

        var ex = await Assert.ThrowsAsync<ImException>(() => _filter.OnConnectedAsync(Lifetime(), _ => { ran = true; return Task.CompletedTask; }));

        Assert.False(ran);
        Assert.Equal("IM_SHUTTING_DOWN: the node is shutting down; connect to another node.", ex.WireMessage);
        Assert.Equal(0, _drain.Connections);
    }

    [Fact]
    public async Task OnlyAnAdmittedConnectionIsListedForTheDrainToCloseAndItLeavesWhenClosed()
    {
        var admitted = Lifetime("conn-ok");
        await _filter.OnConnectedAsync(admitted, _ => Task.CompletedTask);
        await Assert.ThrowsAsync<ImException>(() => _filter.OnConnectedAsync(Lifetime("conn-refused"),
            _ => throw new ImException(ImErrorCode.TooManyConnections, "at most 5 connections per user.")));

        Assert.Equal(["conn-ok"], _drain.Open.Select(c => c.ConnectionId));
        await _filter.OnDisconnectedAsync(admitted, null, (_, _) => Task.CompletedTask);
        Assert.Equal(0, _drain.Connections);
    }

    [Fact]
    public async Task TheDrainClosesAListedConnection()
    {
        var context = Lifetime();
        await _filter.OnConnectedAsync(context, _ => Task.CompletedTask);

        // The test context has no lifetime-notification feature, so the drain aborts it. SignalR ends an aborted
        // connection with OnDisconnectedAsync; here that runs inside Abort, so the test waits on nothing but the drain
        // (polling for the abort raced the drain's 3 s close bound on a loaded CI machine).
        var connection = (TestCallerContext)context.Context;
        using var closed = connection.ConnectionAborted.Register(() =>
            _filter.OnDisconnectedAsync(context, null, (_, _) => Task.CompletedTask).GetAwaiter().GetResult());

        var result = await Task.Run(_drain.Drain).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(connection.Aborted);
        Assert.Equal((0, 0), result);
    }
}
