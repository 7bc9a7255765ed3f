using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Identity;

/// <summary>Client message ids: 1–64 printable ASCII chars, the sender's idempotency key (SPEC §3.2).</summary>
public static class ClientMsgIds
{
    public const int MaxLength = 64;

    public static string Validate(string? clientMsgId)
    {
        if (string.IsNullOrEmpty(clientMsgId) || clientMsgId.Length > MaxLength)
        {
            throw new ImException(ImErrorCode.InvalidClientMsgId, $"'clientMsgId' must be 1-{MaxLength} characters.");
        }
        foreach (var c in clientMsgId)
        {
            // Printable ASCII only: the id ends up in Redis keys, log lines and a unique index.
            if (c is < (char)0x21 or > (char)0x7E)
            {
                throw new ImException(ImErrorCode.InvalidClientMsgId, "'clientMsgId' must be printable ASCII without spaces.");
            }
        }
        return clientMsgId;
    }
}
