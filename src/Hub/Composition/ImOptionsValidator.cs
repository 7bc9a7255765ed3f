using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ImSignalR.Hub.Settings;

namespace ImSignalR.Hub.Composition;

/// <summary>
/// Start-time validation: a wrong or missing setting stops the process with a message that names
/// the setting (SPEC §8).
/// </summary>
internal sealed class ImOptionsValidator(ImTopology topology) : IValidateOptions<ImOptions>
{
    public ValidateOptionsResult Validate(string? name, ImOptions o)
    {
        var errors = new List<string>();
        if (o.NodeId is < 0 or > 1023)
        {
            errors.Add("Im:NodeId must be between 0 and 1023.");
        }
        var roles = o.Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (roles.Length == 0 || roles.Any(r => r is not ("hub" or "sweeper" or "consumer")))
        {
            errors.Add("Im:Roles must list one or more of hub, sweeper, consumer.");
        }
        ValidateAuth(o, errors);
        ValidateLimits(o.Limits, errors);
        if (!TryParseDelays(o.Retry.DelaysSeconds, out _))
        {
            errors.Add("Im:Retry:DelaysSeconds must be a comma-separated list of positive seconds, e.g. 5,15,30,60.");
        }
        if (o.Retry.SweepInterval <= TimeSpan.Zero || o.Retry.Lease <= TimeSpan.Zero || o.Retry.DedupeWindow <= TimeSpan.Zero)
        {
            errors.Add("Im:Retry:SweepInterval, Im:Retry:Lease and Im:Retry:DedupeWindow must be positive.");
        }
        if (o.Retry.ClaimBatch is < 1 or > 10_000)
        {
            errors.Add($"Im:Retry:ClaimBatch must be between 1 and 10000, was {o.Retry.ClaimBatch}.");
        }
        // Past the dedupe window the key is gone anyway; a pending hold longer than it would outlive the answer it guards.
        if (o.Retry.DedupePendingTtl <= TimeSpan.Zero || o.Retry.DedupePendingTtl > o.Retry.DedupeWindow)
        {
            errors.Add("Im:Retry:DedupePendingTtl must be positive and at most Im:Retry:DedupeWindow.");
        }
        ValidateModeration(o.Moderation, errors);
        if (o.Messaging.RecallWindow < TimeSpan.Zero)
        {
            errors.Add("Im:Messaging:RecallWindow must not be negative (zero turns recall off).");
        }
        if (o.Faults.KillAfterCommitClientMsgIdPrefix is { Length: > 0 and < 8 })
        {
            errors.Add("Im:Faults:KillAfterCommitClientMsgIdPrefix must be at least 8 characters (it kills the node; a short prefix would match real sends).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool TryParseDelays(string text, out TimeSpan[] delays)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        delays = new TimeSpan[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 86_400)
            {
                return false;
            }
            delays[i] = TimeSpan.FromSeconds(seconds);
        }
        return parts.Length > 0;
    }

    private static void ValidateModeration(ModerationSettings m, List<string> errors)
    {
        if (m.Mode is not ("reject" or "mask"))
        {
            errors.Add("Im:Moderation:Mode must be reject or mask.");
        }
        if (!string.IsNullOrWhiteSpace(m.WordsFile) && !File.Exists(m.WordsFile))
        {
            errors.Add($"Im:Moderation:WordsFile '{m.WordsFile}' does not exist.");
        }
        if (!string.IsNullOrWhiteSpace(m.WebhookUrl)
            && !(Uri.TryCreate(m.WebhookUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            errors.Add("Im:Moderation:WebhookUrl must be an absolute http or https URL.");
        }
        if (m.WebhookTimeout <= TimeSpan.Zero || m.WebhookTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add("Im:Moderation:WebhookTimeout must be positive and at most 10 seconds (every text send waits for it).");
        }
    }

    private void ValidateAuth(ImOptions o, List<string> errors)
    {
        if (Encoding.UTF8.GetByteCount(o.Auth.SigningKey ?? "") < 32)
        {
            errors.Add("Im:Auth:SigningKey must be at least 32 bytes (HS256).");
        }
        if (!topology.IsEmbedded && o.Auth.SigningKey == AuthSettings.DevSigningKey)
        {
            errors.Add("Im:Auth:SigningKey is the development key; set a secret key outside embedded mode.");
        }
        if (string.IsNullOrWhiteSpace(o.Auth.Issuer) || string.IsNullOrWhiteSpace(o.Auth.Audience))
        {
            errors.Add("Im:Auth:Issuer and Im:Auth:Audience are required.");
        }
    }

    private static void ValidateLimits(LimitSettings l, List<string> errors)
    {
        void Positive(int value, string key)
        {
            if (value <= 0)
            {
                errors.Add($"Im:Limits:{key} must be positive.");
            }
        }
        Positive(l.MaxContentBytes, nameof(l.MaxContentBytes));
        Positive(l.MaxExtBytes, nameof(l.MaxExtBytes));
        Positive(l.SendsPerSecond, nameof(l.SendsPerSecond));
        Positive(l.SendBurst, nameof(l.SendBurst));
        Positive(l.MaxConnectionsPerUser, nameof(l.MaxConnectionsPerUser));
        Positive(l.MaxPageSize, nameof(l.MaxPageSize));
        Positive(l.DefaultPageSize, nameof(l.DefaultPageSize));
        Positive(l.MaxAckIds, nameof(l.MaxAckIds));
        Positive(l.MaxHubMessageBytes, nameof(l.MaxHubMessageBytes));
        Positive(l.MaxRequestBodyBytes, nameof(l.MaxRequestBodyBytes));
        Positive(l.MaxParallelInvocationsPerClient, nameof(l.MaxParallelInvocationsPerClient));
        if (l.ClientTimeout <= TimeSpan.Zero)
        {
            errors.Add("Im:Limits:ClientTimeout must be positive.");
        }
        if (l.DefaultPageSize > l.MaxPageSize)
        {
            errors.Add("Im:Limits:DefaultPageSize must not exceed Im:Limits:MaxPageSize.");
        }
        // A full-size message must fit in one hub frame with room for the envelope.
        if (l.MaxContentBytes + l.MaxExtBytes + 1024 > l.MaxHubMessageBytes)
        {
            errors.Add("Im:Limits:MaxHubMessageBytes must be at least MaxContentBytes + MaxExtBytes + 1024.");
        }
    }
}
