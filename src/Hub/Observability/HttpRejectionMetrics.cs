using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Counts every refused HTTP request in <c>im.rejections{code,op}</c>: REST errors (their
/// <c>IM_…</c> code, left in <see cref="CodeItem"/> by the error result), 401/403 from
/// authentication and authorization at negotiate and connect, 413 for bodies over
/// <c>Im:Limits:MaxRequestBodyBytes</c>. Runs first in the pipeline so it sees them all.
/// </summary>
internal sealed class HttpRejectionMetrics(RequestDelegate next, MessagingMetrics metrics)
{
    /// <summary><see cref="HttpContext.Items"/> key where a REST error leaves its code.</summary>
    public const string CodeItem = "im.code";

    /// <summary>Wire code for a request body over the limit (Kestrel's 413; not a domain error).</summary>
    public const string RequestTooLarge = "IM_REQUEST_TOO_LARGE";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            // Kestrel throws while the body is read; answer 413 instead of letting it become a 500.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        var status = context.Response.StatusCode;
        if (status < 400 || context.Request.Path.StartsWithSegments("/metrics") || context.Request.Path.StartsWithSegments("/health"))
        {
            return;
        }
        var code = context.Items.TryGetValue(CodeItem, out var item) && item is string fromResult ? fromResult : CodeFor(status);
        metrics.CountRejection(code, Operation(context));
    }

    private static string CodeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ImErrorCode.Unauthorized.ToWire(),
        StatusCodes.Status403Forbidden => ImErrorCode.Forbidden.ToWire(),
        StatusCodes.Status404NotFound => ImErrorCode.NotFound.ToWire(),
        StatusCodes.Status413PayloadTooLarge => RequestTooLarge,
        StatusCodes.Status429TooManyRequests => ImErrorCode.RateLimited.ToWire(),
        >= 500 => ImErrorCode.Internal.ToWire(),
        _ => ImErrorCode.InvalidArgument.ToWire(),
    };

    // Bounded label values: the hub path is "connect", REST uses the route pattern (the app's own
    // routes) and a known HTTP method, anything else "http".
    private static string Operation(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(ImSignalR.Contracts.HubMethods.HubPath))
        {
            return MetricLabels.Connect;
        }
        if (context.GetEndpoint() is RouteEndpoint route && route.RoutePattern.RawText is { } pattern)
        {
            return MetricLabels.HttpMethod(context.Request.Method) + " " + pattern;
        }
        return MetricLabels.Http;
    }
}
