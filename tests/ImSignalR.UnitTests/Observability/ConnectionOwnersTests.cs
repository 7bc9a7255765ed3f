using ImSignalR.Hub.Hubs;
using ImSignalR.UnitTests.Domain;

namespace ImSignalR.UnitTests.Observability;

/// <summary>Issue 14 item 5: the token-to-user table behind <see cref="TransportUserBinding"/>.</summary>
public sealed class ConnectionOwnersTests
{
    private readonly ManualTime _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void ATokenBelongsToItsNegotiatorUntilTheConnectionCloses()
    {
        var owners = new ConnectionOwners(_time);
        owners.Negotiated("token-1", "conn-1", "alice");
        owners.Connected("conn-1");

        Assert.Equal("alice", owners.OwnerOf("token-1"));
        Assert.Null(owners.OwnerOf("conn-1"));
        owners.Closed("conn-1");
        Assert.Null(owners.OwnerOf("token-1"));
    }

    [Fact]
    public void ATokenThatNeverConnectedIsForgottenAfterItsLifetimeAndAConnectedOneIsKept()
    {
        var owners = new ConnectionOwners(_time);
        owners.Negotiated("never", "conn-never", "alice");
        owners.Negotiated("used", "conn-used", "bob");
        owners.Connected("conn-used");

        _time.Advance(ConnectionOwners.UnconnectedLifetime + TimeSpan.FromSeconds(1));
        owners.Negotiated("later", "conn-later", "carol"); // sweeps

        Assert.Null(owners.OwnerOf("never"));
        Assert.Equal("bob", owners.OwnerOf("used"));
        Assert.Equal("carol", owners.OwnerOf("later"));
        Assert.Equal(2, owners.Count);
    }
}
