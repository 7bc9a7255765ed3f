/**
 * Wire models of the ImSignalR client contract (SPEC §3). Member names are camelCase on both the JSON and
 * the MessagePack hub protocols. `msgId` is a decimal string (64-bit ids do not fit a JS number); times are
 * Unix milliseconds. `test/contracts.test.ts` compares these interfaces with the hub's C# DTOs.
 */

/** `msgFormat` values: 1 text, 2 image, 3 voice, 4 video, 5 file, 100+ custom (opaque to the server). */
export const MsgFormat = {
  Text: 1,
  Image: 2,
  Voice: 3,
  Video: 4,
  File: 5,
  CustomMin: 100,
} as const;

/** Store status of a message (numeric, as in the Java `msgStatus`). Statuses only rise. */
export const StoredStatus = {
  Failed: -1,
  Reached: 1,
  Offline: 2,
  Delivered: 3,
  Read: 4,
} as const;

/** The status an `Ack` reports and a `MessageStatus` event carries. */
export type AckStatus = "Delivered" | "Read";

/** `SendC2C` argument. */
export interface SendC2CRequest {
  /** Idempotency key chosen by the sender, 1–64 chars, unique per sender. */
  clientMsgId: string;
  toUserId: string;
  content: string;
  msgFormat: number;
  ext?: string | null;
}

/** `SendC2C` result. A resend of an already accepted `clientMsgId` returns the first result with `duplicate: true`. */
export interface SendC2CResult {
  msgId: string;
  chatId: string;
  seq: number;
  /** Acceptance time of the (first) send, Unix ms. */
  serverTime: number;
  duplicate: boolean;
}

/** A message as pushed by `ReceiveC2C` and returned by sync and history. */
export interface MessageDto {
  msgId: string;
  clientMsgId: string;
  chatId: string;
  seq: number;
  fromUserId: string;
  /** The recipient of a C2C message; null for a group message. */
  toUserId?: string | null;
  content: string;
  msgFormat: number;
  ext?: string | null;
  /** Acceptance time, Unix ms. */
  sendTime: number;
  /** Store status (see {@link StoredStatus}): 1 reached, 2 offline, 3 delivered, 4 read. */
  status: number;
  /** Recalled by its sender: `content` is empty and `ext` null (a placeholder in the timeline). */
  recalled: boolean;
  /** The group of a group message (`chatId` is `grp:{groupId}`); null for C2C. */
  groupId?: string | null;
  /** User ids (or `"all"`) a group message mentions; null when none. */
  mentions?: string[] | null;
}

/** `Ack` argument; at most 200 ids per call. */
export interface AckRequest {
  msgIds: string[];
  status: AckStatus;
}

/** `Ack` result: how many of the ids are messages to the caller. */
export interface AckResult {
  acked: number;
}

/** `SyncMessages` argument. Without `chatId`: undelivered messages to the caller plus `maxSeqByChat`. */
export interface SyncRequest {
  chatId?: string | null;
  afterSeq?: number | null;
  /** Page size, at most 200. */
  limit?: number | null;
}

/** `SyncMessages` result; messages ascend by seq within each conversation. */
export interface SyncResult {
  messages: MessageDto[];
  hasMore: boolean;
  /** Newest accepted seq of each of the caller's conversations. */
  maxSeqByChat: Record<string, number>;
}

/** `GetHistory` argument: the page just before `beforeSeq` (the newest page when absent). */
export interface HistoryRequest {
  chatId: string;
  beforeSeq?: number | null;
  limit?: number | null;
}

/** `GetHistory` result: ascending messages; `hasMore` means older ones exist. */
export interface HistoryResult {
  messages: MessageDto[];
  hasMore: boolean;
}

/** One entry of `GetConversations`, from the caller's point of view. */
export interface ConversationDto {
  chatId: string;
  /** The other user of a C2C conversation; null for a group. */
  peerUserId?: string | null;
  lastMessage?: MessageDto | null;
  lastSeq: number;
  readSeq: number;
  /** Messages from the peer (a group: from others, within the caller's window) with seq above `readSeq`. */
  unread: number;
  /** The group of a group conversation; null for C2C. */
  groupId?: string | null;
  /** The group's name; null for C2C. */
  groupName?: string | null;
  /** An unread group message mentions the caller or `"all"`. */
  mentionedMe: boolean;
}

/** `MessageStatus` event, sent to the sender's connections when the recipient acks. */
export interface MessageStatusEvent {
  msgId: string;
  chatId: string;
  status: AckStatus;
  byUserId: string;
  /** Ack time, Unix ms. */
  time: number;
}

/** `BlockUser` / `UnblockUser` argument. */
export interface BlockRequest {
  userId?: string | null;
}

/** `BlockUser` / `UnblockUser` result: the user's state now (both are idempotent). */
export interface BlockResult {
  userId: string;
  blocked: boolean;
}

/** `GetBlockedUsers` result, oldest block first. */
export interface BlockedUsersResult {
  userIds: string[];
}

/** `RecallMessage` argument. */
export interface RecallRequest {
  msgId?: string | null;
}

/** `RecallMessage` result (a repeated recall answers the same). */
export interface RecallResult {
  msgId: string;
  chatId: string;
  seq: number;
}

/** `MessageRecalled` event, to every connection of both participants. */
export interface MessageRecalledEvent {
  msgId: string;
  chatId: string;
  seq: number;
  byUserId: string;
  /** Recall time, Unix ms. */
  time: number;
}

/** `Typing` argument: the caller is typing in `chatId`. */
export interface TypingRequest {
  chatId?: string | null;
}

/** `Typing` event: the other participant of `chatId` is typing. */
export interface TypingEvent {
  chatId: string;
  userId: string;
}

/** `GetPresence` argument: at most 200 user ids. */
export interface PresenceRequest {
  userIds?: string[] | null;
}

/** One user's presence as the caller may see it (strangers: always offline, `lastSeen` null). */
export interface PresenceDto {
  userId: string;
  online: boolean;
  /** Unix ms of the last disconnect; null when unknown or not visible. */
  lastSeen?: number | null;
}

/** One UTC day of `GET /api/admin/stats` (SPEC §12; REST with an `im:admin` token, not a hub call). */
export interface DailyStats {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  messagesC2c: number;
  /** 0 until group chat exists. */
  messagesGroup: number;
  activeSenders: number;
  newConversations: number;
  /** 0 until group chat exists. */
  groupsCreated: number;
  recalls: number;
  moderationHits: number;
}

/** A group (SPEC §10): `CreateGroup`, `UpdateGroup` result and `GetGroups` entries. */
export interface GroupDto {
  /** Server-assigned, a decimal string. */
  groupId: string;
  /** `grp:{groupId}`: the conversation id of the group's timeline. */
  chatId: string;
  name: string;
  ownerId: string;
  memberCount: number;
  /** Unix ms. */
  createdAt: number;
}

/** `CreateGroup` argument: the caller becomes the owner. */
export interface CreateGroupRequest {
  /** 1–64 chars. */
  name?: string | null;
  memberIds?: string[] | null;
}

/** `AddGroupMembers` / `RemoveGroupMembers` argument: at most 500 ids. */
export interface GroupMembersRequest {
  groupId?: string | null;
  userIds?: string[] | null;
}

/** `AddGroupMembers` result. */
export interface AddGroupMembersResult {
  added: number;
}

/** `RemoveGroupMembers` result. */
export interface RemoveGroupMembersResult {
  removed: number;
}

/** `LeaveGroup` / `DismissGroup` argument. */
export interface GroupRequest {
  groupId?: string | null;
}

/** `UpdateGroup` argument. */
export interface UpdateGroupRequest {
  groupId?: string | null;
  name?: string | null;
}

/** Role of a group member. */
export type GroupRole = "owner" | "admin" | "member";

/** `msgFormat` of the system messages a group's timeline carries for membership changes (content: a JSON object naming the users). */
export const GroupSystemFormat = {
  MemberAdded: 201,
  MemberRemoved: 202,
  MemberLeft: 203,
  Renamed: 204,
  RoleChanged: 205,
  Dismissed: 206,
} as const;

/** `SetGroupRole` argument; `owner` transfers ownership (the old owner becomes an admin). */
export interface SetGroupRoleRequest {
  groupId?: string | null;
  userId?: string | null;
  role?: string | null;
}

/** `GetGroupMembers` argument: members ordered by user id, after `afterUserId`. */
export interface GetGroupMembersRequest {
  groupId?: string | null;
  afterUserId?: string | null;
  limit?: number | null;
}

/** One current member of a group. */
export interface GroupMemberDto {
  userId: string;
  role: string;
  /** Unix ms. */
  joinedAt: number;
}

/** `GetGroupMembers` result. */
export interface GroupMembersResult {
  members: GroupMemberDto[];
  hasMore: boolean;
}

/** `SendGroup` argument; the result is a {@link SendC2CResult}. The SDK always sends the first four. */
export interface SendGroupRequest {
  /** Idempotency key chosen by the sender, 1–64 chars, unique per sender (shared with C2C sends). */
  clientMsgId: string;
  groupId: string;
  content: string;
  msgFormat: number;
  ext?: string | null;
  /** User ids of members, or `"all"`. */
  mentions?: string[] | null;
}

/** `GetGroupReadReceipts` argument: one group message by chat and seq. */
export interface GroupReadReceiptsRequest {
  chatId?: string | null;
  seq?: number | null;
}

/** `GetGroupReadReceipts` result; `readers` only for groups of at most 500 members. */
export interface GroupReadReceiptsResult {
  readCount: number;
  unreadCount: number;
  readers?: string[] | null;
}

/** `GroupRead` event: a member's read cursor moved (at most one per reader per second). */
export interface GroupReadEvent {
  chatId: string;
  userId: string;
  readSeq: number;
}

/** Names on the wire (hub path, methods, events). */
export const HubMethods = {
  HubPath: "/hubs/chat",
  SendC2C: "SendC2C",
  Ack: "Ack",
  SyncMessages: "SyncMessages",
  GetHistory: "GetHistory",
  GetConversations: "GetConversations",
  BlockUser: "BlockUser",
  UnblockUser: "UnblockUser",
  GetBlockedUsers: "GetBlockedUsers",
  Typing: "Typing",
  GetPresence: "GetPresence",
  RecallMessage: "RecallMessage",
  MessageRecalled: "MessageRecalled",
  CreateGroup: "CreateGroup",
  AddGroupMembers: "AddGroupMembers",
  RemoveGroupMembers: "RemoveGroupMembers",
  LeaveGroup: "LeaveGroup",
  UpdateGroup: "UpdateGroup",
  SetGroupRole: "SetGroupRole",
  DismissGroup: "DismissGroup",
  GetGroups: "GetGroups",
  GetGroupMembers: "GetGroupMembers",
  SendGroup: "SendGroup",
  GetGroupReadReceipts: "GetGroupReadReceipts",
  ReceiveGroup: "ReceiveGroup",
  GroupRead: "GroupRead",
  ReceiveC2C: "ReceiveC2C",
  MessageStatus: "MessageStatus",
} as const;

/** Server-side limits the SDK respects. */
export const Limits = {
  /** Largest `limit` of `SyncMessages` and `GetHistory`. */
  MaxPage: 200,
  /** Most ids in one `Ack`. */
  MaxAckIds: 200,
} as const;

/** The C2C conversation id of two users: `c2c:{a}:{b}` with `a < b` in ordinal order. */
export function chatIdFor(userA: string, userB: string): string {
  return userA < userB ? `c2c:${userA}:${userB}` : `c2c:${userB}:${userA}`;
}

/** The conversation id of a group: `grp:{groupId}`. */
export function chatIdForGroup(groupId: string): string {
  return `grp:${groupId}`;
}

/** The group id of a group conversation id, or `undefined` for any other chat id. */
export function groupIdOf(chatId: string): string | undefined {
  return chatId.startsWith("grp:") && chatId.length > 4 ? chatId.slice(4) : undefined;
}

/** The other member of a C2C conversation, or `undefined` when `userId` is not a member. */
export function peerOf(chatId: string, userId: string): string | undefined {
  if (!chatId.startsWith("c2c:")) return undefined;
  const rest = chatId.slice(4);
  const colon = rest.indexOf(":");
  if (colon <= 0) return undefined;
  const a = rest.slice(0, colon);
  const b = rest.slice(colon + 1);
  if (a === userId) return b;
  if (b === userId) return a;
  return undefined;
}
