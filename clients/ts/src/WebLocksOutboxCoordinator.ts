import type { OutboxCoordinator, OutboxCoordinatorHandlers, OutboxNotice } from "./OutboxCoordinator.js";

/** Settings of {@link WebLocksOutboxCoordinator}. */
export interface WebLocksCoordinatorOptions {
  /** Prefix of the lock and channel names; default `imsignalr-outbox`. Tabs must agree on it. */
  name?: string;
}

interface LockManagerLike {
  request(name: string, options: { mode: "exclusive"; signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/**
 * Tabs of one user elect their outbox sender with the Web Locks API: each asks for the exclusive lock
 * `<name>:<userId>`; the holder sends, and when its tab closes or reloads the browser hands the lock to the
 * next tab in line, which reloads the outbox from storage and carries on. Notices travel on the
 * BroadcastChannel of the same name. An entry that was in flight when the holder went away is sent again
 * by the next one with the same `clientMsgId`, which the server answers as a duplicate (G2): it is stored once.
 */
export class WebLocksOutboxCoordinator implements OutboxCoordinator {
  private readonly prefix: string;
  private channel: BroadcastChannel | undefined;
  private abort: AbortController | undefined;
  private releaseLock: (() => void) | undefined;

  constructor(options: WebLocksCoordinatorOptions = {}) {
    this.prefix = options.name ?? "imsignalr-outbox";
  }

  /** Whether this environment has Web Locks and BroadcastChannel (every current browser, in a secure context). */
  static isAvailable(): boolean {
    const nav = (globalThis as { navigator?: { locks?: unknown } }).navigator;
    return nav?.locks !== undefined && typeof BroadcastChannel !== "undefined";
  }

  start(userId: string, handlers: OutboxCoordinatorHandlers): void {
    const name = `${this.prefix}:${userId}`;
    // Listen before competing for the lead, so no notice sent while this tab loads its outbox is missed.
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (event: MessageEvent<OutboxNotice>) => handlers.notice(event.data);
    this.abort = new AbortController();
    const locks = (globalThis as unknown as { navigator: { locks: LockManagerLike } }).navigator.locks;
    const held = new Promise<void>((resolve) => (this.releaseLock = resolve));
    locks
      .request(name, { mode: "exclusive", signal: this.abort.signal }, async () => {
        handlers.lead();
        await held;
      })
      // Aborted by stop() while waiting in line: nothing to do.
      .catch(() => {});
  }

  publish(notice: OutboxNotice): void {
    this.channel?.postMessage(notice);
  }

  stop(): void {
    this.abort?.abort();
    this.releaseLock?.();
    this.channel?.close();
    this.channel = undefined;
    this.abort = undefined;
    this.releaseLock = undefined;
  }
}
