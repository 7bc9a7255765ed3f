using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Hub.Settings;
using ImSignalR.Hub.Hubs;
using ImSignalR.UnitTests.Domain;
using Microsoft.Extensions.Options;
using static ImSignalR.UnitTests.Hubs.FilterHarness;

namespace ImSignalR.UnitTests.Hubs;

/// <summary>The per-connection send rate limit (SPEC §8): a token bucket per connection for SendC2C and SendGroup.</summary>
public sealed class RateLimitHubFilterTests
{
    private readonly ManualTime _time = new(DateTimeOffset.UnixEpoch);
    private readonly RateLimitHubFilter _filter;

    public RateLimitHubFilterTests() =>
        _filter = new RateLimitHubFilter(Options.Create(new ImOptions { Limits = new LimitSettings { SendsPerSecond = 2, SendBurst = 3 } }), _time);

    [Theory]
    [InlineData(nameof(ChatHub.SendC2C))]
    [InlineData(nameof(ChatHub.SendGroup))]
    public async Task SendsPastTheBurstAreRefusedWithTheRetriableCodeWithoutRunning(string method)
    {
        var connection = new TestCallerContext("conn-1");
        var ran = 0;
        Func<Microsoft.AspNetCore.SignalR.HubInvocationContext, ValueTask<object?>> next = _ => { ran++; return ValueTask.FromResult<object?>(null); };
        for (var i = 0; i < 3; i++)
        {
            await _filter.InvokeMethodAsync(Invocation(method, connection), next);
        }

        var ex = await Assert.ThrowsAsync<ImException>(() => _filter.InvokeMethodAsync(Invocation(method, connection), next).AsTask());

        Assert.Equal(3, ran);
        Assert.Equal(ImErrorCode.RateLimited, ex.Code);
        Assert.True(ex.IsRetriable);
        Assert.Equal("IM_RATE_LIMITED: At most 2 sends per second per connection.", ex.WireMessage);
    }

    [Fact]
    public async Task TheBucketRefillsAtTheRate()
    {
        var connection = new TestCallerContext("conn-1");
        for (var i = 0; i < 3; i++)
        {
            await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), connection), Returns(null));
        }
        await Assert.ThrowsAsync<ImException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), connection), Returns(null)).AsTask());

        _time.Advance(TimeSpan.FromMilliseconds(500)); // one token at 2/s

        await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), connection), Returns(null));
        await Assert.ThrowsAsync<ImException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), connection), Returns(null)).AsTask());
    }

    [Fact]
    public async Task SendC2CAndSendGroupShareOneBucketPerConnection()
    {
        var first = new TestCallerContext("conn-1");
        await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), first), Returns(null));
        await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendGroup), first), Returns(null));
        await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), first), Returns(null));

        await Assert.ThrowsAsync<ImException>(() => _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendGroup), first), Returns(null)).AsTask());
        // Another device of the same user has its own bucket.
        await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), new TestCallerContext("conn-2")), Returns(null));
    }

    [Fact]
    public async Task OtherMethodsAreNotLimited()
    {
        var connection = new TestCallerContext("conn-1");
        for (var i = 0; i < 10; i++)
        {
            await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Ack), connection), Returns(null));
            await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.Typing), connection), Returns(null));
        }

        // And they spent nothing: the full burst is still there for sends.
        for (var i = 0; i < 3; i++)
        {
            await _filter.InvokeMethodAsync(Invocation(nameof(ChatHub.SendC2C), connection), Returns(null));
        }
    }
}
