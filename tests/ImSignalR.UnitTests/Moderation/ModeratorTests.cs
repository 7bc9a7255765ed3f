using System.Net;
using System.Text;
using ImSignalR.Domain.Ports;
using ImSignalR.Hub.Moderation;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Moderation;

public sealed class ModeratorTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"im-words-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task TheWordListRejectsOrMasksAndAChangedFileChangesTheVerdictWithoutARestart()
    {
        await File.WriteAllTextAsync(_file, "# comment\nspam\n\n");
        using var reject = new WordListModerator(_file, mask: false, NullLogger.Instance);
        using var mask = new WordListModerator(_file, mask: true, NullLogger.Instance);
        Assert.Equal(ModerationAction.Reject, (await reject.ReviewAsync("u", "buy ＳＰＡＭ", default)).Action);
        Assert.Equal(ModerationVerdict.Masked("buy ****"), await mask.ReviewAsync("u", "buy Spam", default));
        Assert.Equal(ModerationAction.Allow, (await reject.ReviewAsync("u", "eggs", default)).Action);

        await File.WriteAllTextAsync(_file, "eggs\n");
        File.SetLastWriteTimeUtc(_file, DateTime.UtcNow.AddSeconds(5)); // a distinct stamp even on coarse file systems
        // The poll picks the change up within a second or two.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await reject.ReviewAsync("u", "eggs", default)).Action == ModerationAction.Allow && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(ModerationAction.Reject, (await reject.ReviewAsync("u", "eggs", default)).Action);
        Assert.Equal(ModerationAction.Allow, (await reject.ReviewAsync("u", "spam", default)).Action);
    }

    [Fact]
    public async Task AFileThatBreaksLeavesThePreviousListInForceAndAMissingFileRefusesTheStart()
    {
        await File.WriteAllTextAsync(_file, "spam\n");
        using var moderator = new WordListModerator(_file, mask: false, NullLogger.Instance);
        await File.WriteAllTextAsync(_file, new string('x', 500) + "\n"); // a term longer than the limit
        File.SetLastWriteTimeUtc(_file, DateTime.UtcNow.AddSeconds(5));

        Assert.False(moderator.TryReload(out var error));
        Assert.IsType<ArgumentException>(error);
        Assert.Equal(ModerationAction.Reject, (await moderator.ReviewAsync("u", "spam", default)).Action);
        Assert.Throws<InvalidOperationException>(() => new WordListModerator(_file + ".missing", mask: false, NullLogger.Instance));
    }

    [Theory]
    [InlineData("{\"action\":\"allow\"}", ModerationAction.Allow, null)]
    [InlineData("{\"action\":\"reject\"}", ModerationAction.Reject, null)]
    [InlineData("{\"action\":\"mask\",\"content\":\"h*\"}", ModerationAction.Mask, "h*")]
    public async Task TheWebhooksAnswerIsTheVerdict(string answer, ModerationAction action, string? content)
    {
        var handler = new ScriptedHandler(_ => Json(answer));
        var moderator = Webhook(handler, failOpen: false);
        var verdict = await moderator.ReviewAsync("alice", "hi", default);
        Assert.Equal(action, verdict.Action);
        Assert.Equal(content, verdict.Content);
        Assert.Equal("{\"userId\":\"alice\",\"content\":\"hi\"}", handler.Bodies.Single());
    }

    [Theory]
    [InlineData(true, ModerationAction.Allow)]
    [InlineData(false, ModerationAction.Reject)]
    public async Task ATimeoutAnErrorOrAnUnreadableAnswerFollowsFailOpen(bool failOpen, ModerationAction expected)
    {
        // A webhook that never answers: only the moderator's own 300 ms timeout can end the review (no wall-clock
        // bound to assert on a loaded machine; the outer wait only keeps a broken timeout from hanging the run).
        var silent = Webhook(new ScriptedHandler(async ct => { await Task.Delay(Timeout.Infinite, ct); return await Json("{\"action\":\"allow\"}"); }), failOpen);
        Assert.Equal(expected, (await silent.ReviewAsync("u", "x", default).AsTask().WaitAsync(TimeSpan.FromSeconds(60))).Action);

        var broken = Webhook(new ScriptedHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError))), failOpen);
        Assert.Equal(expected, (await broken.ReviewAsync("u", "x", default)).Action);
        foreach (var nonsense in new[] { "not json", "{\"action\":\"launch\"}", "{\"action\":\"mask\"}", "" })
        {
            var odd = Webhook(new ScriptedHandler(_ => Json(nonsense)), failOpen);
            Assert.Equal(expected, (await odd.ReviewAsync("u", "x", default)).Action);
        }
    }

    [Fact]
    public async Task TheChainAsksTheWebhookAboutWhatTheListMaskedAndStopsAtAReject()
    {
        await File.WriteAllTextAsync(_file, "spam\n");
        using var list = new WordListModerator(_file, mask: true, NullLogger.Instance);
        var handler = new ScriptedHandler(_ => Json("{\"action\":\"allow\"}"));
        var chain = new ChainedModerator([list, Webhook(handler, failOpen: true)]);
        Assert.Equal(ModerationVerdict.Masked("****!"), await chain.ReviewAsync("u", "spam!", default));
        Assert.Contains("\"content\":\"****!\"", handler.Bodies.Single(), StringComparison.Ordinal);

        var rejecting = new ChainedModerator([new WebhookModerator(new HttpClient(new ScriptedHandler(_ => Json("{\"action\":\"reject\"}"))),
            new Uri("http://mod.test/check"), TimeSpan.FromSeconds(1), true, 8192, NullLogger.Instance), list]);
        Assert.Equal(ModerationAction.Reject, (await rejecting.ReviewAsync("u", "fine", default)).Action);
    }

    private static WebhookModerator Webhook(ScriptedHandler handler, bool failOpen) =>
        new(new HttpClient(handler), new Uri("http://mod.test/check"), TimeSpan.FromMilliseconds(300), failOpen, 8192, NullLogger.Instance);

    private static Task<HttpResponseMessage> Json(string body) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    private sealed class ScriptedHandler(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            return await answer(cancellationToken);
        }
    }
}
