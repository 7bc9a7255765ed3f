using ImSignalR.Hub.Hubs;
using ImSignalR.UnitTests.Domain;
using static ImSignalR.UnitTests.Hubs.FilterHarness;

namespace ImSignalR.UnitTests.Hubs;

/// <summary>The filter tells <see cref="ConnectionOwners"/> which negotiated tokens became connections (G7).</summary>
public sealed class ConnectionOwnersHubFilterTests
{
    private readonly ManualTime _time = new(DateTimeOffset.UnixEpoch);
    private readonly ConnectionOwners _owners;
    private readonly ConnectionOwnersHubFilter _filter;

    public ConnectionOwnersHubFilterTests()
    {
        _owners = new ConnectionOwners(_time);
        _filter = new ConnectionOwnersHubFilter(_owners);
    }

    [Fact]
    public async Task AnAdmittedConnectionKeepsItsOwnerPastTheUnconnectedLifetimeUntilItCloses()
    {
        _owners.Negotiated("token-1", "conn-1", "alice");
        var context = Lifetime("conn-1");
        await _filter.OnConnectedAsync(context, _ => Task.CompletedTask);

        _time.Advance(ConnectionOwners.UnconnectedLifetime + TimeSpan.FromSeconds(1));
        _owners.Negotiated("token-2", "conn-2", "bob"); // sweeps
        Assert.Equal("alice", _owners.OwnerOf("token-1"));

        await _filter.OnDisconnectedAsync(context, null, (_, _) => Task.CompletedTask);
        Assert.Null(_owners.OwnerOf("token-1"));
    }

    [Fact]
    public async Task ARefusedConnectionIsNotMarkedConnected()
    {
        _owners.Negotiated("token-1", "conn-1", "alice");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _filter.OnConnectedAsync(Lifetime("conn-1"), _ => throw new InvalidOperationException()));

        _time.Advance(ConnectionOwners.UnconnectedLifetime + TimeSpan.FromSeconds(1));
        _owners.Negotiated("token-2", "conn-2", "bob"); // sweeps
        Assert.Null(_owners.OwnerOf("token-1"));
    }
}
