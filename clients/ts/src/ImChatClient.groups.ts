import { ImChatClientCalls } from "./ImChatClient.calls.js";
import {
  chatIdForGroup,
  HubMethods,
  type AddGroupMembersResult,
  type GroupDto,
  type GroupMembersResult,
  type GroupReadReceiptsResult,
  type GroupRole,
  type RemoveGroupMembersResult,
} from "./models.js";
import { normalizeGroup, normalizeMembersPage, normalizeReceipts, stripUndefined } from "./wire.js";

/**
 * The group management calls of {@link ImChatClient}, in a file of their own so the client stays readable.
 * Not used on its own: {@link ImChatClient} extends it and supplies the hub connection.
 */
export abstract class ImChatClientGroupCalls extends ImChatClientCalls {

  /** Creates a group with this user as owner and `memberIds` as members. */
  async createGroup(name: string, memberIds: readonly string[] = []): Promise<GroupDto> {
    return normalizeGroup(await this.invoke<GroupDto>(HubMethods.CreateGroup, { name, memberIds: [...memberIds] }));
  }

  /** Adds members (owner and admins; at most 500 ids a call); resolves with how many were new. */
  async addGroupMembers(groupId: string, userIds: readonly string[]): Promise<number> {
    return Number((await this.invoke<AddGroupMembersResult>(HubMethods.AddGroupMembers, { groupId, userIds: [...userIds] })).added);
  }

  /** Removes members (the owner; admins remove members only); resolves with how many were members. */
  async removeGroupMembers(groupId: string, userIds: readonly string[]): Promise<number> {
    return Number((await this.invoke<RemoveGroupMembersResult>(HubMethods.RemoveGroupMembers, { groupId, userIds: [...userIds] })).removed);
  }

  /** Leaves a group (an owner must transfer ownership first: `IM_OWNER_MUST_TRANSFER`). */
  async leaveGroup(groupId: string): Promise<void> {
    await this.invoke<unknown>(HubMethods.LeaveGroup, { groupId });
  }

  /** Renames a group (owner and admins). */
  async updateGroup(groupId: string, name: string): Promise<GroupDto> {
    return normalizeGroup(await this.invoke<GroupDto>(HubMethods.UpdateGroup, { groupId, name }));
  }

  /** Sets a member's role (the owner); `owner` transfers ownership. */
  async setGroupRole(groupId: string, userId: string, role: GroupRole): Promise<void> {
    await this.invoke<unknown>(HubMethods.SetGroupRole, { groupId, userId, role });
  }

  /** Dismisses a group (the owner); it stays readable. */
  async dismissGroup(groupId: string): Promise<void> {
    await this.invoke<unknown>(HubMethods.DismissGroup, { groupId });
  }

  /** The groups this user is a member of. */
  async getGroups(): Promise<GroupDto[]> {
    return (await this.invoke<GroupDto[]>(HubMethods.GetGroups)).map(normalizeGroup);
  }

  /** A page of a group's members ordered by user id, after `afterUserId`. */
  async getGroupMembers(groupId: string, afterUserId?: string, limit?: number): Promise<GroupMembersResult> {
    return normalizeMembersPage(await this.invoke<GroupMembersResult>(HubMethods.GetGroupMembers, stripUndefined({ groupId, afterUserId, limit })));
  }

  /** Who read the message at `seq` of a group chat (its sender, the owner and admins may ask). */
  async getGroupReadReceipts(chatId: string, seq: number): Promise<GroupReadReceiptsResult> {
    return normalizeReceipts(await this.invoke<GroupReadReceiptsResult>(HubMethods.GetGroupReadReceipts, { chatId, seq }));
  }

  /** The conversation id of a group. */
  chatIdOfGroup(groupId: string): string {
    return chatIdForGroup(groupId);
  }
}
