using System.Net.Http.Json;
using System.Text.Json.Serialization;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Hub.Moderation;

/// <summary>
/// Asks a moderation service: <c>POST {userId, content}</c>, answered <c>{action: allow|reject|mask, content?}</c>
/// within the timeout. A timeout, an error status or an answer it cannot read is a failure, and
/// <c>Im:Moderation:FailOpen</c> decides whether the send then goes on (open) or is refused (closed).
/// </summary>
internal sealed class WebhookModerator(HttpClient http, Uri url, TimeSpan timeout, bool failOpen, int maxContentChars, ILogger logger) : IContentModerator
{
    public async ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.PostAsJsonAsync(url, new WebhookRequest(fromUserId, content), ModerationJsonContext.Default.WebhookRequest, deadline.Token)
                .ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync(ModerationJsonContext.Default.WebhookAnswer, deadline.Token).ConfigureAwait(false);
            return answer?.Action switch
            {
                "allow" => ModerationVerdict.Allowed,
                "reject" => ModerationVerdict.Rejected,
                // A masked text must still fit the limits the send was validated against.
                "mask" when answer.Content is { Length: > 0 } masked && masked.Length <= maxContentChars => ModerationVerdict.Masked(masked),
                _ => throw new InvalidDataException("The moderation webhook answered an unknown action."),
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or OperationCanceledException or InvalidDataException or System.Text.Json.JsonException or NotSupportedException)
        {
            ModerationLog.WebhookFailed(logger, failOpen ? "allowed" : "refused", ex);
            return failOpen ? ModerationVerdict.Allowed : ModerationVerdict.Rejected;
        }
    }
}

internal sealed record WebhookRequest(string UserId, string Content);

internal sealed record WebhookAnswer(string? Action, string? Content);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebhookRequest))]
[JsonSerializable(typeof(WebhookAnswer))]
internal sealed partial class ModerationJsonContext : JsonSerializerContext;
