using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Hub.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using static ImSignalR.UnitTests.Hubs.FilterHarness;

namespace ImSignalR.UnitTests.Hubs;

/// <summary>The one place an <see cref="ImException"/> becomes the <c>IM_CODE: message</c> text clients read the code from.</summary>
public sealed class ErrorMappingHubFilterTests
{
    private readonly CapturingLogger<ErrorMappingHubFilter> _log = new();
    private readonly ErrorMappingHubFilter _filter;

    public ErrorMappingHubFilterTests() => _filter = new ErrorMappingHubFilter(_log);

    [Fact]
    public async Task ARefusedCallBecomesAHubExceptionWithTheCodeAndIsLoggedOnceAtDebug()
    {
        var ex = await Assert.ThrowsAsync<HubException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)),
            Throws(new ImException(ImErrorCode.NotFound, "no such message."))).AsTask());

        Assert.Equal("IM_NOT_FOUND: no such message.", ex.Message);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Debug, 2005), (entry.Level, entry.Id));
        Assert.Null(entry.Exception); // a refusal is not a fault: no stack
    }

    [Fact]
    public async Task AResultPassesThroughUntouched()
    {
        var result = new object();

        Assert.Same(result, await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack)), Returns(result)));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task AHubExceptionPassesThroughUnlogged()
    {
        var thrown = new HubException("IM_RATE_LIMITED: slow down.");

        var ex = await Assert.ThrowsAsync<HubException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C)), Throws(thrown)).AsTask());

        Assert.Same(thrown, ex);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task AnUnexpectedFaultIsLoggedAtErrorAndAnsweredWithoutItsOwnText()
    {
        var ex = await Assert.ThrowsAsync<HubException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C)),
            Throws(new InvalidOperationException("connection string secret=1"))).AsTask());

        Assert.Equal("IM_INTERNAL: an unexpected error occurred; it was logged.", ex.Message);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Error, 2001), (entry.Level, entry.Id));
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains(nameof(ChatHub.SendC2C), entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancellationIsNeitherMappedNorLogged()
    {
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SyncMessages)), Throws(new OperationCanceledException())).AsTask());
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task ARefusedConnectionIsClosedWithTheCodeText()
    {
        // Official clients read this text from the Close message (HostileFramesTests, HostileInputTests).
        var ex = await Assert.ThrowsAsync<HubException>(() => _filter.OnConnectedAsync(Lifetime(),
            _ => throw new ImException(ImErrorCode.TooManyConnections, "at most 5 connections per user.")));

        Assert.Equal("IM_TOO_MANY_CONNECTIONS: at most 5 connections per user.", ex.Message);
        Assert.Empty(_log.Entries); // logged where it is decided (2002 in the hub)
    }

    [Fact]
    public async Task AFaultInConnectIsLoggedAtErrorAndRethrownAsIs()
    {
        var thrown = new InvalidOperationException("store away");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _filter.OnConnectedAsync(Lifetime(), _ => throw thrown));

        Assert.Same(thrown, ex);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Error, 2001), (entry.Level, entry.Id));
        Assert.Contains("OnConnectedAsync", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFaultInDisconnectIsLoggedAtErrorAndRethrown()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _filter.OnDisconnectedAsync(Lifetime(), null, (_, _) => throw new InvalidOperationException("presence away")));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Error, 2001), (entry.Level, entry.Id));
        Assert.Contains("OnDisconnectedAsync", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdmittedConnectionIsNotLogged()
    {
        var ran = false;
        await _filter.OnConnectedAsync(Lifetime(), _ => { ran = true; return Task.CompletedTask; });

        Assert.True(ran);
        Assert.Empty(_log.Entries);
    }
}
