using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Identity;

/// <summary>
/// C2C conversation ids: <c>c2c:{a}:{b}</c> with <c>a &lt; b</c> in ordinal order (SPEC §3.2).
/// User ids cannot contain ':', so the split is unambiguous.
/// </summary>
public static class ChatIds
{
    private const string Prefix = "c2c:";

    public static string ForPair(string userA, string userB) =>
        string.CompareOrdinal(userA, userB) < 0 ? $"{Prefix}{userA}:{userB}" : $"{Prefix}{userB}:{userA}";

    public static bool TryParse(string? chatId, out string userA, out string userB)
    {
        userA = userB = string.Empty;
        if (chatId is null || !chatId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = chatId.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }
        var a = rest[..colon].ToString();
        var b = rest[(colon + 1)..].ToString();
        if (!UserIds.IsValid(a) || !UserIds.IsValid(b) || string.CompareOrdinal(a, b) >= 0)
        {
            return false;
        }
        userA = a;
        userB = b;
        return true;
    }

    /// <summary>Validates <paramref name="chatId"/> and that <paramref name="userId"/> is one of its two members (G7).</summary>
    /// <returns>The peer of <paramref name="userId"/>.</returns>
    public static string RequireMember(string? chatId, string userId)
    {
        if (!TryParse(chatId, out var a, out var b))
        {
            throw new ImException(ImErrorCode.InvalidChatId, "'chatId' must look like c2c:{userA}:{userB} with userA < userB.");
        }
        if (string.Equals(a, userId, StringComparison.Ordinal))
        {
            return b;
        }
        if (string.Equals(b, userId, StringComparison.Ordinal))
        {
            return a;
        }
        throw new ImException(ImErrorCode.Forbidden, "You are not a member of this conversation.");
    }
}
