import type { SendC2CRequest, SendGroupRequest } from "./models.js";

/** What the outbox sends: a C2C message (`toUserId`) or a group message (`groupId`). */
export type OutboxRequest = SendC2CRequest | SendGroupRequest;

/** Whether an outbox request is a group send. */
export function isGroupSend(request: OutboxRequest): request is SendGroupRequest {
  return typeof (request as SendGroupRequest).groupId === "string";
}

/** A send waiting in the outbox until the server confirms it. */
export interface OutboxEntry {
  /** The request, resent unchanged (same `clientMsgId`) until confirmed. */
  request: OutboxRequest;
  /** Enqueue order; keeps each conversation's sends in order across restarts. */
  order: number;
  /** When it was queued, Unix ms. */
  queuedAt: number;
}

/**
 * Where the client keeps what must survive a restart: the outbox, the newest seq handed to the app per
 * conversation and the dedupe window (msgIds already handed over). Every method is keyed by the signed-in
 * user id. {@link IndexedDbClientStorage} is the default in browsers, {@link MemoryClientStorage} elsewhere.
 */
export interface ClientStorage {
  loadOutbox(userId: string): Promise<OutboxEntry[]>;
  putOutbox(userId: string, entry: OutboxEntry): Promise<void>;
  deleteOutbox(userId: string, clientMsgId: string): Promise<void>;
  loadCursors(userId: string): Promise<Record<string, number>>;
  /** Stores `seq` unless the stored cursor is already higher (a cursor never moves back). */
  saveCursor(userId: string, chatId: string, seq: number): Promise<void>;
  /** The newest `capacity` msgIds of the dedupe window, oldest first. Optional: without it the window starts empty. */
  loadSeen?(userId: string, capacity: number): Promise<string[]>;
  /** Adds msgIds to the dedupe window and forgets the oldest beyond `capacity`. */
  saveSeen?(userId: string, msgIds: readonly string[], capacity: number): Promise<void>;
}
