using ImSignalR.Contracts;

namespace ImSignalR.Client;

/// <summary>
/// The server refused a call. <see cref="Code"/> is the stable <c>IM_…</c> code (empty when the server
/// sent none); <see cref="IsRetriable"/> says whether the same call may succeed later.
/// </summary>
public sealed partial class ImServerException : Exception
{
    // The server's own list (ImErrorCodes.IsRetriable), so the SDK cannot disagree with the hub about what to resend.
    private static readonly HashSet<string> RetriableCodes = new(
        Enum.GetValues<ImErrorCode>().Where(code => code.IsRetriable()).Select(code => code.ToWire()), StringComparer.Ordinal);

    /// <summary>Creates the exception from the server's error text.</summary>
    public ImServerException(string serverMessage)
        : base(serverMessage)
    {
        // SignalR wraps a HubException as "An unexpected error occurred invoking 'X' on the server.
        // HubException: IM_CODE: text", so the code is found where it stands, not only at the start.
        var match = CodePattern().Match(serverMessage);
        Code = match.Success ? match.Groups[1].Value : string.Empty;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![A-Z_])(IM_[A-Z][A-Z_]*):")]
    private static partial System.Text.RegularExpressions.Regex CodePattern();

    /// <summary>The stable error code, e.g. <c>IM_CONTENT_TOO_LARGE</c>.</summary>
    public string Code { get; }

    /// <summary>True when nothing was accepted and the same request may succeed later.</summary>
    public bool IsRetriable => RetriableCodes.Contains(Code);
}
