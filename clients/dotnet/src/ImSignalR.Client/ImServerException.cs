namespace ImSignalR.Client;

/// <summary>
/// The server refused a call. <see cref="Code"/> is the stable <c>IM_…</c> code (empty when the server
/// sent none); <see cref="IsRetriable"/> says whether the same call may succeed later.
/// </summary>
public sealed class ImServerException : Exception
{
    private static readonly HashSet<string> RetriableCodes = new(StringComparer.Ordinal)
    {
        "IM_STORE_UNAVAILABLE", "IM_LOG_UNAVAILABLE", "IM_STATE_UNAVAILABLE", "IM_SEND_IN_PROGRESS", "IM_RATE_LIMITED", "IM_SHUTTING_DOWN",
    };

    /// <summary>Creates the exception from the server's error text.</summary>
    public ImServerException(string serverMessage)
        : base(serverMessage)
    {
        var colon = serverMessage.IndexOf(':', StringComparison.Ordinal);
        Code = colon > 3 && serverMessage.StartsWith("IM_", StringComparison.Ordinal) ? serverMessage[..colon] : string.Empty;
    }

    /// <summary>The stable error code, e.g. <c>IM_CONTENT_TOO_LARGE</c>.</summary>
    public string Code { get; }

    /// <summary>True when nothing was accepted and the same request may succeed later.</summary>
    public bool IsRetriable => RetriableCodes.Contains(Code);
}
