import type { ConnectionState } from "./HubTransport.js";
import type { ImError } from "./ImError.js";
import type { MessageDto, MessageRecalledEvent, MessageStatusEvent, SendC2CRequest, SendC2CResult, TypingEvent } from "./models.js";

/** Events of {@link ImChatClient}. */
export interface ImChatClientEvents {
  /** Each message of each conversation exactly once, in seq order per conversation (own sends included). */
  message: (message: MessageDto) => void;
  /** The recipient acked one of this user's messages. */
  status: (event: MessageStatusEvent) => void;
  /** The connection state changed. */
  connectionState: (state: ConnectionState) => void;
  /** A catch-up after a (re)connect finished: everything accepted until then has been delivered. */
  synced: (info: { reconnect: boolean }) => void;
  /** A queued send was confirmed (fires for sends restored from storage too). */
  sent: (info: { request: SendC2CRequest; result: SendC2CResult }) => void;
  /** A queued send was rejected for good. */
  sendFailed: (info: { request: SendC2CRequest; error: ImError }) => void;
  /** A background operation failed (sync, ack); the SDK retries where it can. */
  error: (error: ImError) => void;
  /** A message of one of this user's conversations was recalled: show a placeholder for `msgId`. */
  recalled: (event: MessageRecalledEvent) => void;
  /** The other participant of a conversation is typing (the hub sends at most one per chat per 2 s). */
  typing: (event: TypingEvent) => void;
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
