using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Groups;

/// <summary>A member's role (SPEC §10). Ordered: a higher role may do what a lower one may.</summary>
public enum GroupRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}

/// <summary>Wire and store names of <see cref="GroupRole"/>: <c>member</c>, <c>admin</c>, <c>owner</c>.</summary>
public static class GroupRoles
{
    public static string ToWire(this GroupRole role) => role switch
    {
        GroupRole.Owner => "owner",
        GroupRole.Admin => "admin",
        _ => "member",
    };

    public static bool TryParse(string? value, out GroupRole role)
    {
        switch (value)
        {
            case "owner":
                role = GroupRole.Owner;
                return true;
            case "admin":
                role = GroupRole.Admin;
                return true;
            case "member":
                role = GroupRole.Member;
                return true;
            default:
                role = GroupRole.Member;
                return false;
        }
    }

    /// <exception cref="ImException"><c>IM_INVALID_ARGUMENT</c> for anything but the three names.</exception>
    public static GroupRole Parse(string? value) =>
        TryParse(value, out var role) ? role : throw ImException.Invalid("'role' must be \"owner\", \"admin\" or \"member\".");
}
