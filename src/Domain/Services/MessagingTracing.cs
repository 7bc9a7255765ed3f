using System.Diagnostics;

namespace ImSignalR.Domain.Services;

/// <summary>
/// The product's spans (source <c>ImSignalR</c>): a send (<c>im.send</c>) with its durable append
/// (<c>im.log.append</c>) and its push (<c>im.push</c>), nested under whatever is current, the hub
/// invocation or the REST request. The domain only creates activities; the host decides whether
/// anything listens (no listener: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null).
/// </summary>
public static class MessagingTracing
{
    public const string SourceName = "ImSignalR";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Marks <paramref name="activity"/> failed with the stable <c>IM_…</c> code, never the message text.</summary>
    public static void Fail(Activity? activity, string code)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error, code);
        activity.SetTag("im.error.code", code);
    }
}
