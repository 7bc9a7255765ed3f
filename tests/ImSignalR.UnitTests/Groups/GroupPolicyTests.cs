using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;

namespace ImSignalR.UnitTests.Groups;

/// <summary>The authorisation matrix of SPEC §10, decision by decision.</summary>
public sealed class GroupPolicyTests
{
    private static GroupMembership Member(string userId, GroupRole role) => new(1, userId, role, 0, null, 0, 0);

    [Theory]
    [InlineData(GroupRole.Owner, true)]
    [InlineData(GroupRole.Admin, true)]
    [InlineData(GroupRole.Member, false)]
    public void AddingMembersNeedsAnAdminOrTheOwner(GroupRole actor, bool allowed) =>
        Check(() => GroupPolicy.RequireCanAdd(actor), allowed, ImErrorCode.Forbidden);

    [Theory]
    [InlineData(GroupRole.Owner, GroupRole.Admin, true)]
    [InlineData(GroupRole.Owner, GroupRole.Member, true)]
    [InlineData(GroupRole.Admin, GroupRole.Member, true)]
    [InlineData(GroupRole.Admin, GroupRole.Admin, false)]
    [InlineData(GroupRole.Admin, GroupRole.Owner, false)]
    [InlineData(GroupRole.Member, GroupRole.Member, false)]
    [InlineData(GroupRole.Member, GroupRole.Owner, false)]
    public void TheOwnerRemovesAnyoneAndAnAdminMembersOnly(GroupRole actor, GroupRole target, bool allowed) =>
        Check(() => GroupPolicy.RequireCanRemove(actor, "actor", Member("target", target)), allowed, ImErrorCode.Forbidden);

    [Fact]
    public void NobodyRemovesThemself() =>
        Check(() => GroupPolicy.RequireCanRemove(GroupRole.Owner, "me", Member("me", GroupRole.Owner)), false, ImErrorCode.InvalidArgument);

    [Theory]
    [InlineData(GroupRole.Owner, false)]
    [InlineData(GroupRole.Admin, true)]
    [InlineData(GroupRole.Member, true)]
    public void TheOwnerMustTransferBeforeLeaving(GroupRole actor, bool allowed) =>
        Check(() => GroupPolicy.RequireCanLeave(actor), allowed, ImErrorCode.OwnerMustTransfer);

    [Theory]
    [InlineData(GroupRole.Owner, true)]
    [InlineData(GroupRole.Admin, true)]
    [InlineData(GroupRole.Member, false)]
    public void RenamingNeedsAnAdminOrTheOwner(GroupRole actor, bool allowed) =>
        Check(() => GroupPolicy.RequireCanRename(actor), allowed, ImErrorCode.Forbidden);

    [Theory]
    [InlineData(GroupRole.Owner, true)]
    [InlineData(GroupRole.Admin, false)]
    [InlineData(GroupRole.Member, false)]
    public void OnlyTheOwnerSetsRolesAndDismisses(GroupRole actor, bool allowed)
    {
        Check(() => GroupPolicy.RequireCanSetRole(actor, "actor", "target"), allowed, ImErrorCode.Forbidden);
        Check(() => GroupPolicy.RequireCanDismiss(actor), allowed, ImErrorCode.Forbidden);
    }

    [Fact]
    public void TheOwnerCannotSetTheirOwnRole() =>
        Check(() => GroupPolicy.RequireCanSetRole(GroupRole.Owner, "me", "me"), false, ImErrorCode.InvalidArgument);

    [Theory]
    [InlineData(GroupRole.Member, "sender", true)]
    [InlineData(GroupRole.Member, "someone", false)]
    [InlineData(GroupRole.Admin, "someone", true)]
    [InlineData(GroupRole.Owner, "someone", true)]
    public void ReceiptsAreForTheSenderTheOwnerAndAdmins(GroupRole actor, string senderId, bool allowed) =>
        Check(() => GroupPolicy.RequireCanSeeReceipts(Member("sender", actor), senderId), allowed, ImErrorCode.Forbidden);

    [Theory]
    [InlineData(5L, null, 5L, false)]
    [InlineData(5L, null, 6L, true)]
    [InlineData(5L, 9L, 9L, true)]
    [InlineData(5L, 9L, 10L, false)]
    [InlineData(0L, null, 1L, true)]
    public void AMemberSeesTheSeqsAfterTheJoinPointUpToTheLeavePoint(long joinSeq, long? leaveSeq, long seq, bool visible) =>
        Assert.Equal(visible, new GroupMembership(1, "u", GroupRole.Member, joinSeq, leaveSeq, 0, 0).CanSee(seq));

    [Theory]
    [InlineData("owner", GroupRole.Owner)]
    [InlineData("admin", GroupRole.Admin)]
    [InlineData("member", GroupRole.Member)]
    public void RolesRoundTripTheirWireNames(string wire, GroupRole role)
    {
        Assert.Equal(role, GroupRoles.Parse(wire));
        Assert.Equal(wire, role.ToWire());
    }

    [Theory]
    [InlineData("Owner")]
    [InlineData("root")]
    [InlineData(null)]
    public void AnUnknownRoleIsAnInvalidArgument(string? wire) =>
        Assert.Equal(ImErrorCode.InvalidArgument, Assert.Throws<ImException>(() => GroupRoles.Parse(wire)).Code);

    private static void Check(Action decision, bool allowed, ImErrorCode code)
    {
        if (allowed)
        {
            decision();
            return;
        }
        Assert.Equal(code, Assert.Throws<ImException>(decision).Code);
    }
}
