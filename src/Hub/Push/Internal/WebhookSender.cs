using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Hub.Push.Internal;

/// <summary>
/// POSTs one batch to the webhook, signed, retrying with backoff until it is accepted (2xx), refused
/// for good (a 4xx other than 408/429) or out of attempts.
/// <para>Wire format: <c>POST {WebhookUrl}</c>, <c>Content-Type: application/json</c>, body
/// <c>{"notifications":[{"userId","chatId","msgId","fromUserId","preview"?,"badge"}]}</c>; headers
/// <c>X-Im-Timestamp</c> (Unix seconds of this attempt), <c>X-Im-Signature: sha256=&lt;lowercase hex&gt;</c>
/// = HMAC-SHA256 with key UTF-8(<c>Im:Push:Secret</c>) over the bytes UTF-8(timestamp) + "." + body,
/// <c>X-Im-Delivery</c> (one id per batch, the same on every attempt, for the receiver's dedupe) and
/// <c>X-Im-Attempt</c> (1, 2, …).</para>
/// </summary>
internal sealed class WebhookSender
{
    public const string ClientName = "ImSignalR.Push";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly IHttpClientFactory _clients;
    private readonly PushOptions _options;
    private readonly Uri _url;
    private readonly byte[] _key;
    private readonly PushMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WebhookSender(IHttpClientFactory clients, PushOptions options, PushMetrics metrics, TimeProvider time, ILogger logger)
    {
        _clients = clients;
        _options = options;
        _url = new Uri(options.WebhookUrl!, UriKind.Absolute);
        _key = Encoding.UTF8.GetBytes(options.Secret!);
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>The signature header value for <paramref name="timestamp"/> and <paramref name="body"/>.</summary>
    public static string Sign(byte[] key, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, signed));
    }

    public async Task DeliverAsync(IReadOnlyList<PushNotification> batch, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new PushBatch(batch));
        var delivery = Guid.NewGuid().ToString("N");
        var client = _clients.CreateClient(ClientName);
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            TimeSpan? retryAfter = null;
            var started = Stopwatch.GetTimestamp();
            try
            {
                var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = Json;
                request.Headers.Add("X-Im-Timestamp", timestamp);
                request.Headers.Add("X-Im-Signature", Sign(_key, timestamp, body));
                request.Headers.Add("X-Im-Delivery", delivery);
                request.Headers.Add("X-Im-Attempt", attempt.ToString(CultureInfo.InvariantCulture));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.RequestTimeout);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                _metrics.CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    _metrics.Calls.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
                    _metrics.Delivered.Add(batch.Count);
                    return;
                }
                if (status is not (408 or 429) && status < 500)
                {
                    // The receiver says this request is wrong (a bad signature, a gone endpoint): the same bytes will not do better.
                    _metrics.Calls.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                    _metrics.Dropped.Add(batch.Count, new KeyValuePair<string, object?>("reason", "rejected"));
                    PushLog.Rejected(_logger, batch.Count, status);
                    return;
                }
                reason = "HTTP " + status.ToString(CultureInfo.InvariantCulture);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                _metrics.CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                reason = ex is OperationCanceledException ? "timeout" : "unreachable";
            }
            if (attempt >= _options.MaxAttempts)
            {
                _metrics.Calls.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                _metrics.Dropped.Add(batch.Count, new KeyValuePair<string, object?>("reason", "retries_exhausted"));
                PushLog.GaveUp(_logger, batch.Count, attempt, reason);
                return;
            }
            _metrics.Calls.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
            var delay = Delay(attempt, retryAfter);
            PushLog.Retrying(_logger, attempt, batch.Count, reason, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential from RetryInitialDelay with jitter (0.5–1×), capped; a Retry-After within the cap wins.</summary>
    private TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < _options.RetryMaxDelay ? asked : _options.RetryMaxDelay;
        }
        var exponential = _options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 20));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() * 0.5));
    }
}
