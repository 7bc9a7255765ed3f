using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Groups;

/// <summary>
/// Who may do what in a group (SPEC §10), as pure decisions so the whole matrix is unit-tested. Callers have
/// already established that the actor is a current member (<c>IM_FORBIDDEN</c> otherwise) of a group that exists
/// (<c>IM_NOT_FOUND</c>).
/// </summary>
public static class GroupPolicy
{
    public static void RequireCanAdd(GroupRole actor)
    {
        if (actor < GroupRole.Admin)
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the owner and admins can add members.");
        }
    }

    /// <summary>The owner removes anyone but themself; an admin removes members only.</summary>
    public static void RequireCanRemove(GroupRole actor, string actorId, GroupMembership target)
    {
        if (string.Equals(actorId, target.UserId, StringComparison.Ordinal))
        {
            throw ImException.Invalid("Use LeaveGroup to leave a group.");
        }
        var allowed = actor switch
        {
            GroupRole.Owner => true,
            GroupRole.Admin => target.Role == GroupRole.Member,
            _ => false,
        };
        if (!allowed)
        {
            throw new ImException(ImErrorCode.Forbidden, actor == GroupRole.Admin
                ? "Admins can remove members only."
                : "Only the owner and admins can remove members.");
        }
    }

    public static void RequireCanLeave(GroupRole actor)
    {
        if (actor == GroupRole.Owner)
        {
            throw new ImException(ImErrorCode.OwnerMustTransfer, "The owner must transfer ownership (SetGroupRole owner) before leaving.");
        }
    }

    public static void RequireCanRename(GroupRole actor)
    {
        if (actor < GroupRole.Admin)
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the owner and admins can rename the group.");
        }
    }

    public static void RequireCanSetRole(GroupRole actor, string actorId, string targetId)
    {
        if (actor != GroupRole.Owner)
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the owner can change roles.");
        }
        if (string.Equals(actorId, targetId, StringComparison.Ordinal))
        {
            throw ImException.Invalid("The owner's own role changes only by transferring ownership to another member.");
        }
    }

    public static void RequireCanDismiss(GroupRole actor)
    {
        if (actor != GroupRole.Owner)
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the owner can dismiss the group.");
        }
    }

    /// <summary>Read receipts of a message: its sender, the owner and admins.</summary>
    public static void RequireCanSeeReceipts(GroupMembership actor, string senderId)
    {
        if (actor.Role < GroupRole.Admin && !string.Equals(actor.UserId, senderId, StringComparison.Ordinal))
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the message's sender, the owner and admins see its read receipts.");
        }
    }
}
