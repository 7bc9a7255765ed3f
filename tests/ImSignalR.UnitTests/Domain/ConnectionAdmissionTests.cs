using ImSignalR.Contracts;
using ImSignalR.Domain.Connections;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;

namespace ImSignalR.UnitTests.Domain;

/// <summary>The per-user connection limit (SPEC §8) over presence: over it, refused with nothing left behind.</summary>
public sealed class ConnectionAdmissionTests
{
    private readonly InProcessPresence _presence = new();

    [Fact]
    public async Task ConnectionsUpToTheLimitAreRegisteredAndTheNextIsRefusedWithItsEntryRemoved()
    {
        var admission = new ConnectionAdmission(_presence, maxConnectionsPerUser: 2);
        await admission.AdmitAsync("alice", "c1", "WebSockets", null, CancellationToken.None);
        await admission.AdmitAsync("alice", "c2", "LongPolling", null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ImException>(() => admission.AdmitAsync("alice", "c3", "WebSockets", null, CancellationToken.None));

        // The text official clients see in the Close message (HostileFramesTests, HostileInputTests).
        Assert.Equal(ImErrorCode.TooManyConnections, ex.Code);
        Assert.Equal("IM_TOO_MANY_CONNECTIONS: at most 2 connections per user.", ex.WireMessage);
        Assert.False(ex.IsRetriable);
        Assert.Equal(["c1", "c2"], (await _presence.ListConnectionsAsync("alice", 10, CancellationToken.None)).Select(c => c.ConnectionId).Order());
        Assert.Equal("WebSockets", (await _presence.ListConnectionsAsync("alice", 10, CancellationToken.None)).Single(c => c.ConnectionId == "c1").Transport);
    }

    [Fact]
    public async Task TheLimitIsPerUserAndAReleaseFreesASlot()
    {
        var admission = new ConnectionAdmission(_presence, maxConnectionsPerUser: 1);
        await admission.AdmitAsync("alice", "a1", null, null, CancellationToken.None);
        await admission.AdmitAsync("bob", "b1", null, null, CancellationToken.None);
        await Assert.ThrowsAsync<ImException>(() => admission.AdmitAsync("alice", "a2", null, null, CancellationToken.None));

        await admission.ReleaseAsync("alice", "a1");
        Assert.False(await _presence.IsOnlineAsync("alice", CancellationToken.None));
        await admission.AdmitAsync("alice", "a2", null, null, CancellationToken.None);

        Assert.Equal(1, await _presence.CountConnectionsAsync("alice", CancellationToken.None));
        Assert.Equal(1, await _presence.CountConnectionsAsync("bob", CancellationToken.None));
    }

    [Fact]
    public async Task ARefusedConnectionLeavesAUserWhoWasOfflineOffline()
    {
        // Limit 1 with a stale count: the presence says two, so even the user's first connection is refused;
        // the refusal must not leave that connection's entry (the user would look online with no connection).
        var presence = new FailingPresence(_presence) { ExtraCount = 1 };
        var admission = new ConnectionAdmission(presence, maxConnectionsPerUser: 1);

        await Assert.ThrowsAsync<ImException>(() => admission.AdmitAsync("alice", "c1", null, null, CancellationToken.None));

        Assert.False(await _presence.IsOnlineAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task ACountThatFailsOrIsCanceledUndoesTheRegistrationAndPropagates()
    {
        var presence = new FailingPresence(_presence) { CountFailure = new InvalidOperationException("state away") };
        var admission = new ConnectionAdmission(presence, maxConnectionsPerUser: 5);

        await Assert.ThrowsAsync<InvalidOperationException>(() => admission.AdmitAsync("alice", "c1", null, null, CancellationToken.None));
        presence.CountFailure = new OperationCanceledException();
        await Assert.ThrowsAsync<OperationCanceledException>(() => admission.AdmitAsync("alice", "c2", null, null, CancellationToken.None));

        Assert.False(await _presence.IsOnlineAsync("alice", CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ALimitBelowOneIsRefused(int limit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionAdmission(_presence, limit));

    /// <summary>The in-process presence with a count that can fail or be off.</summary>
    private sealed class FailingPresence(IPresence inner) : IPresence
    {
        public Exception? CountFailure { get; set; }
        public int ExtraCount { get; init; }

        public ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken) =>
            inner.AddConnectionAsync(userId, connectionId, cancellationToken);

        public ValueTask AddConnectionAsync(string userId, string connectionId, string? transport, string? protocol, CancellationToken cancellationToken) =>
            inner.AddConnectionAsync(userId, connectionId, transport, protocol, cancellationToken);

        public ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken) =>
            inner.RemoveConnectionAsync(userId, connectionId, cancellationToken);

        public ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken) => inner.IsOnlineAsync(userId, cancellationToken);

        public async ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken) =>
            CountFailure is { } failure ? throw failure : await inner.CountConnectionsAsync(userId, cancellationToken) + ExtraCount;

        public ValueTask<IReadOnlyList<PresenceConnection>> ListConnectionsAsync(string userId, int limit, CancellationToken cancellationToken) =>
            inner.ListConnectionsAsync(userId, limit, cancellationToken);

        public ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken) => inner.GetLastSeenAsync(userId, cancellationToken);
    }
}
