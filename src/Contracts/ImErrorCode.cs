namespace ImSignalR.Contracts;

/// <summary>
/// Stable error codes. The wire form is the upper-snake name prefixed with <c>IM_</c>
/// (see <see cref="ImErrorCodes.ToWire"/>); clients switch on it, so a code is never renamed or reused.
/// </summary>
public enum ImErrorCode
{
    // No commas in these comments: clients/ts/test/contracts.test.ts splits the enum body on them.
    /// <summary>A request argument is missing or malformed (no more specific code applies).</summary>
    InvalidArgument,
    /// <summary>A user id is empty or too long or has characters outside the allowed set.</summary>
    InvalidUserId,
    /// <summary><c>clientMsgId</c> is missing or not a valid idempotency key.</summary>
    InvalidClientMsgId,
    /// <summary>The recipient is missing or invalid or the sender itself.</summary>
    InvalidRecipient,
    /// <summary><c>msgFormat</c> is missing or not 1–5 or 100 and above.</summary>
    InvalidMsgFormat,
    /// <summary>A <c>chatId</c> is malformed.</summary>
    InvalidChatId,
    /// <summary>A <c>msgId</c> is not a decimal 64-bit id.</summary>
    InvalidMsgId,
    /// <summary>An <c>Ack</c> status is neither <c>Delivered</c> nor <c>Read</c>.</summary>
    InvalidStatus,
    /// <summary><c>content</c> exceeds the configured byte limit.</summary>
    ContentTooLarge,
    /// <summary><c>ext</c> exceeds the configured byte limit.</summary>
    ExtTooLarge,
    /// <summary>A page <c>limit</c> exceeds the configured maximum.</summary>
    PageTooLarge,
    /// <summary>A request lists more ids than the configured maximum.</summary>
    TooManyIds,
    /// <summary>The caller sends faster than its limit allows; retriable after a pause.</summary>
    RateLimited,
    /// <summary>The user already holds the configured number of connections.</summary>
    TooManyConnections,
    /// <summary>The caller may not do this (not a participant or member or role holder).</summary>
    Forbidden,
    /// <summary>No valid token.</summary>
    Unauthorized,
    /// <summary>The message or conversation or group does not exist.</summary>
    NotFound,
    /// <summary>A send with the same <c>clientMsgId</c> is still being processed; retriable.</summary>
    SendInProgress,
    /// <summary>The message store did not answer; retriable.</summary>
    StoreUnavailable,
    /// <summary>The message log did not accept the event; retriable.</summary>
    LogUnavailable,
    /// <summary>The shared state (Redis) did not answer; retriable.</summary>
    StateUnavailable,
    /// <summary>The node is draining; retriable on another node.</summary>
    ShuttingDown,
    /// <summary>An unexpected server error.</summary>
    Internal,
    /// <summary>Moderation refused the content (SPEC §11); not retriable.</summary>
    /// <summary>Moderation refused the content.</summary>
    ContentBlocked,
    /// <summary>The recipient blocked the sender (SPEC §11); not retriable; the sender is told nothing more.</summary>
    /// <summary>The recipient has blocked the sender.</summary>
    Blocked,
    /// <summary>A recall came after the recall window (SPEC §11); not retriable.</summary>
    /// <summary>The message is older than the recall window.</summary>
    RecallWindowPassed,
    /// <summary>The owner tried to leave a group: ownership must be transferred first (SPEC §10); not retriable.</summary>
    /// <summary>The group owner must transfer ownership before leaving.</summary>
    OwnerMustTransfer,
    /// <summary>A configured group limit (members per group or groups per user) would be exceeded; not retriable.</summary>
    /// <summary>A group or user would exceed its configured member or group limit.</summary>
    GroupLimitExceeded,
    /// <summary>The group was dismissed: it is read-only (SPEC §10); not retriable.</summary>
    /// <summary>The group is dismissed and read-only.</summary>
    GroupDismissed,
}
