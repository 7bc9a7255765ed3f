import type { SendC2CRequest } from "./models.js";

/** A send waiting in the outbox until the server confirms it. */
export interface OutboxEntry {
  /** The request, resent unchanged (same `clientMsgId`) until confirmed. */
  request: SendC2CRequest;
  /** Enqueue order; keeps each conversation's sends in order across restarts. */
  order: number;
  /** When it was queued, Unix ms. */
  queuedAt: number;
}

/**
 * Where the client keeps what must survive a restart: the outbox and the newest seq handed to the app per
 * conversation. Every method is keyed by the signed-in user id. Implement it over IndexedDB,
 * localStorage or a file; {@link MemoryClientStorage} is the default.
 */
export interface ClientStorage {
  loadOutbox(userId: string): Promise<OutboxEntry[]>;
  putOutbox(userId: string, entry: OutboxEntry): Promise<void>;
  deleteOutbox(userId: string, clientMsgId: string): Promise<void>;
  loadCursors(userId: string): Promise<Record<string, number>>;
  saveCursor(userId: string, chatId: string, seq: number): Promise<void>;
}
