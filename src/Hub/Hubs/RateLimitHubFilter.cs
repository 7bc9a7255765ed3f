using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Limits;
using ImSignalR.Hub.Settings;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// The per-connection send rate limit (SPEC §8): <c>SendC2C</c> and <c>SendGroup</c> take a token from the
/// connection's bucket before the hub method runs, and are refused with <c>IM_RATE_LIMITED</c> when it is empty.
/// Other methods are not limited.
/// </summary>
internal sealed class RateLimitHubFilter : IHubFilter
{
    // The bucket lives with the connection (HubCallerContext.Items), so it goes when the connection does.
    private const string BucketKey = "im.sendBucket";

    private readonly LimitSettings _limits;
    private readonly TimeProvider _time;

    public RateLimitHubFilter(IOptions<ImOptions> options, TimeProvider time)
    {
        _limits = options.Value.Limits;
        _time = time;
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (context.HubMethodName is nameof(ChatHub.SendC2C) or nameof(ChatHub.SendGroup) && !SendBucket(context.Context).TryTake())
        {
            throw new ImException(ImErrorCode.RateLimited, $"At most {_limits.SendsPerSecond} sends per second per connection.");
        }
        return next(context);
    }

    private TokenBucket SendBucket(HubCallerContext connection)
    {
        if (connection.Items.TryGetValue(BucketKey, out var existing) && existing is TokenBucket bucket)
        {
            return bucket;
        }
        bucket = new TokenBucket(_limits.SendsPerSecond, _limits.SendBurst, _time);
        connection.Items[BucketKey] = bucket;
        return bucket;
    }
}
