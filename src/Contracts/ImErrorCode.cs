namespace ImSignalR.Contracts;

/// <summary>
/// Stable error codes. The wire form is the upper-snake name prefixed with <c>IM_</c>
/// (see <see cref="ImErrorCodes.ToWire"/>); clients switch on it, so a code is never renamed or reused.
/// </summary>
public enum ImErrorCode
{
    InvalidArgument,
    InvalidUserId,
    InvalidClientMsgId,
    InvalidRecipient,
    InvalidMsgFormat,
    InvalidChatId,
    InvalidMsgId,
    InvalidStatus,
    ContentTooLarge,
    ExtTooLarge,
    PageTooLarge,
    TooManyIds,
    RateLimited,
    TooManyConnections,
    Forbidden,
    Unauthorized,
    NotFound,
    SendInProgress,
    StoreUnavailable,
    LogUnavailable,
    StateUnavailable,
    ShuttingDown,
    Internal,
    /// <summary>Moderation refused the content (SPEC §11); not retriable.</summary>
    ContentBlocked,
    /// <summary>The recipient blocked the sender (SPEC §11); not retriable; the sender is told nothing more.</summary>
    Blocked,
    /// <summary>A recall came after the recall window (SPEC §11); not retriable.</summary>
    RecallWindowPassed,
    /// <summary>The owner tried to leave a group: ownership must be transferred first (SPEC §10); not retriable.</summary>
    OwnerMustTransfer,
    /// <summary>A configured group limit (members per group or groups per user) would be exceeded; not retriable.</summary>
    GroupLimitExceeded,
    /// <summary>The group was dismissed: it is read-only (SPEC §10); not retriable.</summary>
    GroupDismissed,
}
