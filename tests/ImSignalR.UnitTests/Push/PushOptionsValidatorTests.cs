using ImSignalR.Hub.Push.Internal;
using ImSignalR.Hub.Push;

namespace ImSignalR.UnitTests.Push;

public sealed class PushOptionsValidatorTests
{
    private const string GoodSecret = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void WithoutAUrlTheHookIsOffAndNothingElseIsChecked()
    {
        Assert.True(new PushOptionsValidator().Validate(null, new PushOptions { BatchMaxSize = 0 }).Succeeded);
    }

    [Theory]
    [InlineData("https://push.example/hook", null, "Im:Push:Secret")]
    [InlineData("https://push.example/hook", "short", "Im:Push:Secret")]
    [InlineData("ftp://push.example/hook", GoodSecret, "Im:Push:WebhookUrl")]
    [InlineData("/relative", GoodSecret, "Im:Push:WebhookUrl")]
    public void ABadUrlOrSecretFailsWithAMessageNamingTheSetting(string url, string? secret, string setting)
    {
        var result = new PushOptionsValidator().Validate(null, new PushOptions { WebhookUrl = url, Secret = secret });
        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeTuningIsNamed()
    {
        var result = new PushOptionsValidator().Validate(null, new PushOptions
        {
            WebhookUrl = "http://127.0.0.1:9/push",
            Secret = GoodSecret,
            BatchMaxSize = 0,
            QueueCapacity = 0,
            MaxAttempts = 0,
            RetryInitialDelay = TimeSpan.Zero,
        });
        foreach (var setting in new[] { "Im:Push:BatchMaxSize", "Im:Push:QueueCapacity", "Im:Push:MaxAttempts", "Im:Push:RetryInitialDelay" })
        {
            Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheSignatureIsHmacSha256OverTimestampDotBody()
    {
        // Known answer computed with: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        var signature = WebhookSender.Sign("key"u8.ToArray(), "1700000000", "{\"a\":1}"u8);
        Assert.Equal("sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03", signature);
    }
}
