import type { LogLevel, ILogger } from "@microsoft/signalr";
import type { BackoffOptions } from "./BackoffRetryPolicy.js";
import type { ClientStorage } from "./ClientStorage.js";
import type { HubTransport } from "./HubTransport.js";
import type { OutboxCoordinator } from "./OutboxCoordinator.js";

/** Settings of {@link ImChatClient}. */
export interface ImChatClientOptions {
  /** Base URL of the hub server, e.g. `http://localhost:5000` or `""`/`location.origin` in a page it serves. */
  url: string;
  /** The signed-in user (the `sub` of the token); used to tell own messages from the peer's. */
  userId: string;
  /** Returns a valid access token; called before every connection attempt. */
  accessTokenFactory: () => string | Promise<string>;
  /** Hub protocol; default `json`. */
  protocol?: "json" | "messagepack";
  /**
   * Where the outbox, per-conversation cursors and dedupe window live. Default: IndexedDB where it exists
   * (browsers: a reload or another tab resumes), else memory (Node).
   */
  storage?: ClientStorage;
  /**
   * Picks the one client that sends the outbox when several share the storage (tabs of one user). Default:
   * Web Locks where they exist and the storage is not in memory, else this client alone.
   */
  outboxCoordinator?: OutboxCoordinator;
  /** Reconnect backoff (it never gives up). */
  reconnect?: BackoffOptions;
  /** Ack batching: flush after this many ms (default 200) or this many ids (default 100). */
  ackIntervalMs?: number;
  ackMaxPending?: number;
  /** Ack every message delivered to this user with `Delivered` (default true). */
  autoAckDelivered?: boolean;
  /** msgIds remembered to drop duplicates; default 10,000. */
  dedupeCapacity?: number;
  /** Page size of sync calls (at most 200). */
  syncPageSize?: number;
  /**
   * How often (ms) a connected client compares its group cursors with the hub's newest seqs (one small
   * `SyncMessages` overview) and syncs a group that is behind. A lost push is otherwise seen only when a later
   * one arrives; a group's *last* message has no later one, and unlike C2C it is never pushed again (read
   * diffusion). Default 30,000; 0 turns it off.
   */
  groupTailCheckMs?: number;
  /** SignalR log level or logger. */
  logger?: LogLevel | ILogger;
  /** Replaces the SignalR transport (tests). */
  transport?: HubTransport;
}
