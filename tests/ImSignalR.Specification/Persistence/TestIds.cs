using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Specification.Persistence;

/// <summary>Unique users, chats and msg ids per test, so one database serves every test and every run.</summary>
public static class TestIds
{
    // Ticks grow 10^7 per second, so a later run starts above every id an earlier run used.
    private static long _nextMsgId = DateTime.UtcNow.Ticks;

    public static string User(string role) => $"{role}-{Guid.NewGuid():N}";

    public static long MsgId() => Interlocked.Increment(ref _nextMsgId);

    public static ChatMessage Message(string from, string to, long seq, long sendTime, string? content = null, string? clientMsgId = null) =>
        new(MsgId(), clientMsgId ?? $"c-{Guid.NewGuid():N}", ChatIds.ForPair(from, to), seq, from, to, content ?? $"hello {seq}",
            MsgFormats.Text, null, sendTime, MessageStatus.Reached);
}
