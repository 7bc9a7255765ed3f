import type { SendC2CResult } from "./models.js";

/** What one instance tells the others about the shared outbox of a user. */
export type OutboxNotice =
  /** An entry was persisted; the sender should load it. */
  | { kind: "queued"; clientMsgId: string }
  /** The sender got the server's confirmation and deleted the entry from storage. */
  | { kind: "sent"; clientMsgId: string; result: SendC2CResult }
  /** The server rejected the entry for good; it was deleted from storage. */
  | { kind: "failed"; clientMsgId: string; code: string; message: string };

/** Callbacks of {@link OutboxCoordinator.start}. */
export interface OutboxCoordinatorHandlers {
  /** This instance is now the one that sends the user's outbox (until {@link OutboxCoordinator.stop}). */
  lead(): void;
  /** Another instance published a notice. */
  notice(notice: OutboxNotice): void;
}

/**
 * Picks which of several clients sharing one {@link ClientStorage} (tabs of one user in one browser) sends
 * the outbox, so two of them never send the same entry at the same time; the others only queue into the
 * storage and learn the outcome through notices. {@link WebLocksOutboxCoordinator} is the default in
 * browsers, {@link SoloOutboxCoordinator} elsewhere.
 */
export interface OutboxCoordinator {
  /** Starts listening and competing for the lead; call once. */
  start(userId: string, handlers: OutboxCoordinatorHandlers): void;
  /** Tells every other instance of the same user. */
  publish(notice: OutboxNotice): void;
  /** Gives up the lead and stops listening. */
  stop(): void;
}

/** The only client of its storage (Node, memory storage): it leads at once and tells nobody. */
export class SoloOutboxCoordinator implements OutboxCoordinator {
  start(_userId: string, handlers: OutboxCoordinatorHandlers): void {
    handlers.lead();
  }

  publish(_notice: OutboxNotice): void {}

  stop(): void {}
}
