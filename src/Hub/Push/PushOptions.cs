namespace ImSignalR.Hub.Push;

/// <summary>
/// The offline push hook (section <c>Im:Push</c>): messages marked offline are POSTed in signed batches
/// to <see cref="WebhookUrl"/>, the app's own service, which forwards them to APNs/FCM. Off while
/// <see cref="WebhookUrl"/> is empty. See docs/mobile.md for the request format and signature.
/// </summary>
public sealed class PushOptions
{
    public const string Section = "Im:Push";

    /// <summary>Absolute http(s) URL that receives the batches; empty: no push hook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>HMAC-SHA256 key of the <c>X-Im-Signature</c> header (at least 32 bytes of UTF-8); required with a URL.</summary>
    public string? Secret { get; set; }

    /// <summary>Put the first <see cref="PreviewMaxChars"/> characters of the content in <c>preview</c>
    /// (default false: the content never leaves the server through the hook).</summary>
    public bool IncludePreview { get; set; }

    /// <summary>Length of <c>preview</c>, in UTF-16 characters (1–1000).</summary>
    public int PreviewMaxChars { get; set; } = 100;

    /// <summary>Notifications per request at most (1–1000).</summary>
    public int BatchMaxSize { get; set; } = 100;

    /// <summary>How long the first notification of a batch waits for more (0–10 s).</summary>
    public TimeSpan BatchMaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Notifications waiting to be sent at most (1–1,000,000). Full mode: drop oldest, counted in
    /// <c>im_webhook_dropped_total{reason="queue_full"}</c>; a send never waits for the hook.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Attempts per batch (1–50) before it is dropped (<c>reason="retries_exhausted"</c>).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; doubles with jitter up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a URL is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);
}
