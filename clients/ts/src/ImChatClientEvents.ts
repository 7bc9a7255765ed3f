import type { ConnectionState } from "./HubTransport.js";
import type { ImError } from "./ImError.js";
import type { OutboxRequest } from "./ClientStorage.js";
import type { GroupReadEvent, MessageDto, MessageRecalledEvent, MessageStatusEvent, SendC2CResult, TypingEvent } from "./models.js";

/** Events of {@link ImChatClient}. */
export interface ImChatClientEvents {
  /** Each message of each conversation (C2C and group) exactly once, in seq order per conversation (own sends included). */
  message: (message: MessageDto) => void;
  /** The recipient acked one of this user's messages. */
  status: (event: MessageStatusEvent) => void;
  /** The connection state changed. */
  connectionState: (state: ConnectionState) => void;
  /** A catch-up after a (re)connect finished: everything accepted until then has been delivered. */
  synced: (info: { reconnect: boolean }) => void;
  /** A queued send was confirmed (fires for sends restored from storage too). */
  sent: (info: { request: OutboxRequest; result: SendC2CResult }) => void;
  /** A queued send was rejected for good. */
  sendFailed: (info: { request: OutboxRequest; error: ImError }) => void;
  /** A background operation failed (sync, ack); the SDK retries where it can. */
  error: (error: ImError) => void;
  /** A message of one of this user's conversations was recalled: show a placeholder for `msgId`. */
  recalled: (event: MessageRecalledEvent) => void;
  /** The other participant of a conversation is typing (the hub sends at most one per chat per 2 s). */
  typing: (event: TypingEvent) => void;
  /** A member's read cursor in a group moved (the hub coalesces these to one per reader per second, in groups up to 500). */
  groupRead: (event: GroupReadEvent) => void;
}

/** Arguments of {@link ImChatClient.sendC2C}. */
export interface SendOptions {
  toUserId: string;
  content: string;
  /** Default 1 (text). */
  msgFormat?: number;
  ext?: string;
  /** Idempotency key; generated when absent. Pass your own to show the message before it is confirmed. */
  clientMsgId?: string;
}

/** Arguments of {@link ImChatClient.sendGroup}. */
export interface SendGroupOptions {
  groupId: string;
  content: string;
  /** Default 1 (text). */
  msgFormat?: number;
  ext?: string;
  /** User ids to mention, or `"all"`. */
  mentions?: readonly string[];
  /** Idempotency key; generated when absent. */
  clientMsgId?: string;
}
