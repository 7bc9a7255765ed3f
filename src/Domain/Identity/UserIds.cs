using System.Diagnostics.CodeAnalysis;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Identity;

/// <summary>User ids: 1–64 chars of <c>[A-Za-z0-9_.@-]</c> (SPEC §3.1).</summary>
public static class UserIds
{
    public const int MaxLength = 64;

    public static bool IsValid([NotNullWhen(true)] string? userId)
    {
        if (string.IsNullOrEmpty(userId) || userId.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in userId)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }
        return true;
    }

    public static string Validate(string? userId, string field)
    {
        if (!IsValid(userId))
        {
            throw new ImException(ImErrorCode.InvalidUserId, $"'{field}' must be 1-{MaxLength} characters of [A-Za-z0-9_.@-].");
        }
        return userId!;
    }

    private static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '@' or '-';
}
