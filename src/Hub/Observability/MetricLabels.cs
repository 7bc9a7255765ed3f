using System.Collections.Frozen;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Hubs;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Every label value the product's instruments carry comes from a known set, so no client can grow
/// <c>/metrics</c>: a made-up hub method name or error code is counted as <see cref="Other"/>.
/// </summary>
internal static class MetricLabels
{
    public const string Other = "other";

    /// <summary>Operations that are not hub methods: the hub handshake, a frame SignalR refused, any other HTTP request.</summary>
    public const string Connect = "connect";
    public const string Receive = "receive";
    public const string Http = "http";

    private static readonly FrozenSet<string> HubOperations = new[]
    {
        HubMethods.SendC2C, HubMethods.Ack, HubMethods.SyncMessages, HubMethods.GetHistory, HubMethods.GetConversations,
        HubMethods.BlockUser, HubMethods.UnblockUser, HubMethods.GetBlockedUsers, HubMethods.Typing, HubMethods.GetPresence, HubMethods.RecallMessage,
        HubMethods.CreateGroup, HubMethods.AddGroupMembers, HubMethods.RemoveGroupMembers, HubMethods.LeaveGroup, HubMethods.UpdateGroup,
        HubMethods.SetGroupRole, HubMethods.DismissGroup, HubMethods.GetGroups, HubMethods.GetGroupMembers, HubMethods.SendGroup,
        HubMethods.GetGroupReadReceipts,
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Codes = Enum.GetValues<ImErrorCode>().Select(c => c.ToWire())
        .Concat([MetricsHubFilter.MessageTooLarge, MetricsHubFilter.InvalidFrame, HttpRejectionMetrics.RequestTooLarge])
        .ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> HttpMethodNames = new[]
    {
        HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Head, HttpMethods.Options,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>A hub method name as a label: one of <see cref="HubMethods"/>, else <see cref="Other"/>.</summary>
    public static string HubOperation(string? method) => method is not null && HubOperations.TryGetValue(method, out var known) ? known : Other;

    /// <summary>An <c>IM_…</c> code as a label: one the product defines, else <see cref="Other"/>.</summary>
    public static string Code(string? code) => code is not null && Codes.TryGetValue(code, out var known) ? known : Other;

    /// <summary>An HTTP method as a label: a standard one, else <see cref="Other"/> (clients may send any token).</summary>
    public static string HttpMethod(string method) => HttpMethodNames.TryGetValue(method, out var known) ? known : Other;

    /// <summary>Counts one refusal in <c>im.rejections{code,op}</c>; <paramref name="op"/> must already be bounded.</summary>
    public static void CountRejection(this MessagingMetrics metrics, string code, string op) =>
        metrics.Rejections.Add(1, new KeyValuePair<string, object?>("code", Code(code)), new KeyValuePair<string, object?>("op", op));
}
