using ImSignalR.Contracts;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>
/// The steps of a send that may fail without failing it (presence, the replay entry, pushes, the dedupe record):
/// each is counted and logged through <see cref="DegradedSteps"/>, and delivery falls back to replay and sync.
/// </summary>
public sealed partial class SendService
{
    private async Task<bool?> IsOnlineQuietlyAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await _presence.IsOnlineAsync(userId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Unknown presence: treated as online, so the push and the replay schedule are still tried.
            _degraded.Note("presence", ex);
            return null;
        }
    }

    /// <returns>Whether the entry was scheduled.</returns>
    private async Task<bool> ScheduleQuietlyAsync(ChatMessage message)
    {
        try
        {
            await _retry.ScheduleAsync(message, _time.GetUtcNow() + _options.RetryDelays[0], CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            // Delivery falls back to the push alone, then to sync.
            _degraded.Note("retry", ex);
            return false;
        }
    }

    private async Task RemoveEntryQuietlyAsync(ChatMessage message, bool hasEntry)
    {
        if (!hasEntry)
        {
            return;
        }
        try
        {
            await _retry.RemoveAsync([message.MsgId], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The sweeper drops it: it never pushes an entry whose message the store does not have.
            _degraded.Note("retry", ex);
        }
    }

    private async Task ReplaceEntryQuietlyAsync(ChatMessage stored)
    {
        try
        {
            await _retry.ReplaceMessageAsync(stored, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The sweeper's first claim reads the message back from the store and replays that.
            _degraded.Note("retry", ex);
        }
    }

    /// <returns>Whether the sender has a live connection besides <paramref name="senderConnectionId"/>; true when unknown.</returns>
    private async Task<bool> HasOtherDeviceQuietlyAsync(string userId, string? senderConnectionId, CancellationToken cancellationToken)
    {
        if (senderConnectionId is null)
        {
            // REST or a service: every device of the sender is "another" one.
            return true;
        }
        try
        {
            return await _presence.HasOtherConnectionAsync(userId, senderConnectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _degraded.Note("presence", ex);
            return true;
        }
    }

    private async Task DeliverAsync(ChatMessage message, bool? online, string? senderConnectionId, CancellationToken cancellationToken)
    {
        // From here on the message is durable: nothing below may fail the send. Every failure only
        // degrades the fast path, and sync (G5) still returns the message.
        using var activity = MessagingTracing.Source.StartActivity("im.push");
        var dto = WireMapping.ToDto(message);
        var toRecipient = online != false
            ? PushQuietlyAsync(() => _pusher.PushToRecipientAsync(dto, cancellationToken), "send")
            : message.Status == MessageStatus.Offline
                ? _offline.StoredOfflineAsync(message, "offline")
                : _offline.MarkAsync(message, "offline", cancellationToken);
        activity?.SetTag("im.recipient.online", online != false);

        // Asked while the recipient's push is on its way, and only now that the message is durable, so a device that
        // registered before the commit gets the copy (one that connects later finds the message by its first sync).
        // Without another device the copy would cost a publish and a receive on the sender's node for nothing.
        if (await HasOtherDeviceQuietlyAsync(message.FromUserId, senderConnectionId, cancellationToken).ConfigureAwait(false))
        {
            await PushQuietlyAsync(() => _pusher.PushToSenderDevicesAsync(dto, senderConnectionId, cancellationToken), "sender-sync").ConfigureAwait(false);
        }
        await toRecipient.ConfigureAwait(false);
    }

    private async Task PushQuietlyAsync(Func<Task> push, string kind)
    {
        try
        {
            await push().ConfigureAwait(false);
            _metrics.Pushes.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.PushErrors.Add(1);
            _degraded.Note("push", ex);
        }
    }

    private async Task CompleteQuietlyAsync(Draft draft, DedupeRecord record)
    {
        try
        {
            await _dedupe.CompleteAsync(draft.From, draft.ClientMsgId, record, _options.DedupeWindow, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The store's unique key still answers a resend correctly.
            _degraded.Note("dedupe", ex);
        }
    }

    private async Task ReleaseQuietlyAsync(Draft draft)
    {
        try
        {
            await _dedupe.ReleaseAsync(draft.From, draft.ClientMsgId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The reservation expires by itself after DedupePendingTtl, and a resend asks the store before that.
            _degraded.Note("dedupe", ex);
        }
    }

    /// <summary>
    /// Text only, before the dedupe key and before anything is written (SPEC §11): a refused message is never
    /// stored, delivered or put on the log, and its content is never logged.
}
