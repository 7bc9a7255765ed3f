using ImSignalR.Domain.Groups;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Composition;

/// <summary>
/// Start-time validation of <c>Im:Groups</c> (SPEC §8, §10), as <see cref="ImOptionsValidator"/> does for <c>Im</c>: every
/// wrong value is named with its key and the bounds it must keep, and the process does not start.
/// </summary>
/// <remarks>
/// The upper bounds are where a value stops being a limit and becomes a cost nobody meant: each member of a group is a
/// row a read receipt counts and a connection a push reaches; each group of a user is a SignalR group every one of
/// their connections joins when it connects; the ids of one call are bound one by one in a single statement.
/// </remarks>
internal sealed class GroupOptionsValidator : IValidateOptions<GroupOptions>
{
    internal const int MembersCeiling = 100_000;

    public ValidateOptionsResult Validate(string? name, GroupOptions o)
    {
        var errors = new List<string>();
        Between(errors, nameof(o.MaxMembersPerGroup), o.MaxMembersPerGroup, 2, MembersCeiling);
        Between(errors, nameof(o.MaxGroupsPerUser), o.MaxGroupsPerUser, 1, 10_000);
        Between(errors, nameof(o.MaxIdsPerCall), o.MaxIdsPerCall, 1, 10_000);
        // The column is VARCHAR(64) (migration 005): a longer name would fail at the store, after the checks.
        Between(errors, nameof(o.MaxNameLength), o.MaxNameLength, 1, 64);
        // Every read in such a group is an event to each member: its cost grows with the square of the size.
        Between(errors, nameof(o.ReadEventsMaxMembers), o.ReadEventsMaxMembers, 0, 10_000);
        Between(errors, nameof(o.MaxMembersPage), o.MaxMembersPage, 1, 1_000);
        if (o.ReadEventInterval <= TimeSpan.Zero || o.ReadEventInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{GroupRegistration.Section}:{nameof(o.ReadEventInterval)} must be positive and at most 00:01:00.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Between(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{GroupRegistration.Section}:{key} must be between {min} and {max}, was {value}.");
        }
    }
}
