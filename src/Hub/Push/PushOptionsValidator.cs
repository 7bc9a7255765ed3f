using System.Text;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Push;

/// <summary>Checks <see cref="PushOptions"/> at start; each failure names its setting.</summary>
internal sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }
        var failures = new List<string>();
        if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Im:Push:WebhookUrl must be an absolute http or https URL (got '{options.WebhookUrl}').");
        }
        if (string.IsNullOrEmpty(options.Secret) || Encoding.UTF8.GetByteCount(options.Secret) < 32)
        {
            failures.Add("Im:Push:Secret is required with Im:Push:WebhookUrl and must be at least 32 bytes: it signs every request (X-Im-Signature).");
        }
        Range(failures, "Im:Push:PreviewMaxChars", options.PreviewMaxChars, 1, 1000);
        Range(failures, "Im:Push:BatchMaxSize", options.BatchMaxSize, 1, 1000);
        Range(failures, "Im:Push:QueueCapacity", options.QueueCapacity, 1, 1_000_000);
        Range(failures, "Im:Push:MaxAttempts", options.MaxAttempts, 1, 50);
        if (options.BatchMaxDelay < TimeSpan.Zero || options.BatchMaxDelay > TimeSpan.FromSeconds(10))
        {
            failures.Add($"Im:Push:BatchMaxDelay must be between 00:00:00 and 00:00:10 (got {options.BatchMaxDelay}).");
        }
        if (options.RetryInitialDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryInitialDelay)
        {
            failures.Add($"Im:Push:RetryInitialDelay must be positive and Im:Push:RetryMaxDelay at least as long (got {options.RetryInitialDelay} and {options.RetryMaxDelay}).");
        }
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Im:Push:RequestTimeout must be positive (got {options.RequestTimeout}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} must be between {min} and {max} (got {value}).");
        }
    }
}
