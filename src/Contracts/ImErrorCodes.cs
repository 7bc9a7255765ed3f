using System.Collections.Frozen;
using System.Text;

namespace ImSignalR.Contracts;

/// <summary>Wire names and retry semantics of <see cref="ImErrorCode"/>.</summary>
public static class ImErrorCodes
{
    private static readonly FrozenDictionary<ImErrorCode, string> WireNames =
        Enum.GetValues<ImErrorCode>().ToFrozenDictionary(c => c, BuildWireName);

    /// <summary><c>ContentTooLarge</c> → <c>IM_CONTENT_TOO_LARGE</c>.</summary>
    public static string ToWire(this ImErrorCode code) => WireNames[code];

    /// <summary>
    /// Retriable codes mean "nothing was accepted; the same request may succeed later".
    /// The SDK outboxes resend only on these.
    /// </summary>
    public static bool IsRetriable(this ImErrorCode code) => code is
        ImErrorCode.StoreUnavailable or ImErrorCode.LogUnavailable or ImErrorCode.StateUnavailable or
        ImErrorCode.SendInProgress or ImErrorCode.RateLimited or ImErrorCode.ShuttingDown;

    private static string BuildWireName(ImErrorCode code)
    {
        var name = code.ToString();
        var sb = new StringBuilder("IM_", name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(name[i]));
        }
        return sb.ToString();
    }
}
