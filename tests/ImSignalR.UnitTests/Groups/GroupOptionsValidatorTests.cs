using ImSignalR.Domain.Groups;
using ImSignalR.Hub.Composition;

namespace ImSignalR.UnitTests.Groups;

public sealed class GroupOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAndTheBoundsThemselvesAreValid()
    {
        Assert.True(new GroupOptionsValidator().Validate(null, new GroupOptions()).Succeeded);
        var edges = new GroupOptions
        {
            MaxMembersPerGroup = 2, MaxGroupsPerUser = 10_000, MaxIdsPerCall = 1, MaxNameLength = 64, ReadEventsMaxMembers = 0,
            ReadEventInterval = TimeSpan.FromMinutes(1), MaxMembersPage = 1_000,
        };
        Assert.True(new GroupOptionsValidator().Validate(null, edges).Succeeded);
    }

    [Fact]
    public void EveryWrongValueIsNamedWithItsKeyAndBounds()
    {
        var wrong = new GroupOptions
        {
            MaxMembersPerGroup = 100_001, MaxGroupsPerUser = 0, MaxIdsPerCall = 10_001, MaxNameLength = 65, ReadEventsMaxMembers = -1,
            ReadEventInterval = TimeSpan.Zero, MaxMembersPage = 0,
        };

        var result = new GroupOptionsValidator().Validate(null, wrong);

        Assert.Equal(
        [
            "Im:Groups:MaxMembersPerGroup must be between 2 and 100000, was 100001.",
            "Im:Groups:MaxGroupsPerUser must be between 1 and 10000, was 0.",
            "Im:Groups:MaxIdsPerCall must be between 1 and 10000, was 10001.",
            "Im:Groups:MaxNameLength must be between 1 and 64, was 65.",
            "Im:Groups:ReadEventsMaxMembers must be between 0 and 10000, was -1.",
            "Im:Groups:MaxMembersPage must be between 1 and 1000, was 0.",
            "Im:Groups:ReadEventInterval must be positive and at most 00:01:00.",
        ], result.Failures);
    }
}
