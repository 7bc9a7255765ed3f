using ImSignalR.Client;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests;

/// <summary>SPEC §11 moderation on a real embedded node with a 10,000-term words file.</summary>
public sealed class ModerationTests : IAsyncLifetime
{
    private readonly string _words = Path.Combine(Path.GetTempPath(), $"im-words-{Guid.NewGuid():N}.txt");
    private HubProcess _hub = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllLinesAsync(_words, Enumerable.Range(0, 10_000).Select(i => $"blocked{i:D5}term"));
        _hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["Im__Moderation__WordsFile"] = _words });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        File.Delete(_words);
    }

    [Fact]
    public async Task ATermInAnyCaseOrWidthIsRefusedNothingIsStoredAndAnEditedFileChangesTheVerdictWithinSeconds()
    {
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(_hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(_hub, bobId);

        foreach (var hostile in new[] { "say blocked09999term", "BLOCKED00042TERM!", "ｂｌｏｃｋｅｄ00007ｔｅｒｍ" })
        {
            var error = await Assert.ThrowsAsync<ImServerException>(() => alice.SendAsync(bobId, hostile));
            Assert.Equal("IM_CONTENT_BLOCKED", error.Code);
            Assert.False(error.IsRetriable);
        }
        var fine = await alice.SendAsync(bobId, "hello bob");
        var stored = await bob.Client.SyncAsync(fine.ChatId, 0, 50);
        Assert.Equal(["hello bob"], stored.Messages.Select(m => m.Content)); // nothing of the refused sends

        await File.WriteAllTextAsync(_words, "hello\n");
        File.SetLastWriteTimeUtc(_words, DateTime.UtcNow.AddSeconds(5));
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await alice.SendAsync(bobId, "hello again");
                return false;
            }
            catch (ImServerException ex) when (ex.Code == "IM_CONTENT_BLOCKED")
            {
                return true;
            }
        }, "the edited list refuses 'hello'", TimeSpan.FromSeconds(10));
        var oldTerm = await alice.SendAsync(bobId, "blocked09999term"); // the old list is gone with the edit
        Assert.False(oldTerm.Duplicate);
    }
}
