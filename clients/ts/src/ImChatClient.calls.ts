import type { ImChatClientEvents } from "./ImChatClientEvents.js";
import {
  HubMethods,
  type BlockedUsersResult,
  type BlockResult,
  type ConversationDto,
  type PresenceDto,
  type RecallResult,
} from "./models.js";
import { TypedEmitter } from "./TypedEmitter.js";

/**
 * The plain request/response calls of {@link ImChatClient} (conversations, recall, blocking, presence): no client
 * state, one hub call each. Not used on its own; {@link ImChatClientGroupCalls} and then {@link ImChatClient}
 * extend it, and the client supplies the hub connection.
 */
export abstract class ImChatClientCalls extends TypedEmitter<ImChatClientEvents> {
  /** One hub call; a failure rejects with an `ImError`. */
  protected abstract invoke<T>(method: string, ...args: unknown[]): Promise<T>;

  /** The caller's conversations with unread counts. */
  getConversations(): Promise<ConversationDto[]> {
    return this.invoke<ConversationDto[]>(HubMethods.GetConversations);
  }

  /** Recalls one of this user's messages within the hub's recall window (default 2 minutes); idempotent. */
  async recall(msgId: string): Promise<RecallResult> {
    const result = await this.invoke<RecallResult>(HubMethods.RecallMessage, { msgId });
    return { ...result, seq: Number(result.seq) };
  }

  /** Blocks `userId`: their sends to this user fail with `IM_BLOCKED` (idempotent). */
  block(userId: string): Promise<BlockResult> {
    return this.invoke<BlockResult>(HubMethods.BlockUser, { userId });
  }

  /** Unblocks `userId` (idempotent). */
  unblock(userId: string): Promise<BlockResult> {
    return this.invoke<BlockResult>(HubMethods.UnblockUser, { userId });
  }

  /** The users this user blocked, oldest first. */
  async getBlockedUsers(): Promise<string[]> {
    return (await this.invoke<BlockedUsersResult>(HubMethods.GetBlockedUsers)).userIds;
  }

  /** Online state and last-seen time of up to 200 users; people this user has no conversation with always read offline. */
  getPresence(userIds: readonly string[]): Promise<PresenceDto[]> {
    return this.invoke<PresenceDto[]>(HubMethods.GetPresence, { userIds: [...userIds] });
  }
}
