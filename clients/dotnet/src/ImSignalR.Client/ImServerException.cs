namespace ImSignalR.Client;

/// <summary>
/// The server refused a call. <see cref="Code"/> is the stable <c>IM_…</c> code (empty when the server
/// sent none); <see cref="IsRetriable"/> says whether the same call may succeed later.
/// </summary>
public sealed partial class ImServerException : Exception
{
    private static readonly HashSet<string> RetriableCodes = new(StringComparer.Ordinal)
    {
        "IM_STORE_UNAVAILABLE", "IM_LOG_UNAVAILABLE", "IM_STATE_UNAVAILABLE", "IM_SEND_IN_PROGRESS", "IM_RATE_LIMITED", "IM_SHUTTING_DOWN",
    };

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
