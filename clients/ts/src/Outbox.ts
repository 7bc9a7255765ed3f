import type { BackoffRetryPolicy } from "./BackoffRetryPolicy.js";
import { isGroupSend, type ClientStorage, type OutboxEntry, type OutboxRequest } from "./ClientStorage.js";
import { ImError } from "./ImError.js";
import { LruSet } from "./LruSet.js";
import type { SendC2CResult } from "./models.js";
import { SoloOutboxCoordinator, type OutboxCoordinator, type OutboxNotice } from "./OutboxCoordinator.js";

/** What the {@link Outbox} needs from its owner. */
export interface OutboxDeps {
  storage: ClientStorage;
  userId: string;
  /** One `SendC2C` or `SendGroup` call (both answer the same result shape). */
  send(request: OutboxRequest): Promise<SendC2CResult>;
  /** Backoff between attempts that failed with a retriable server error. */
  backoff: BackoffRetryPolicy;
  /** A send was confirmed (also for entries restored from storage, which have no caller waiting). */
  onSent(request: OutboxRequest, result: SendC2CResult): void;
  /** A send was rejected for good. */
  onFailed(request: OutboxRequest, error: ImError): void;
  /** Who sends when several clients share the storage (tabs); default: this one alone. */
  coordinator?: OutboxCoordinator;
}

interface Waiter {
  resolve(result: SendC2CResult): void;
  reject(error: ImError): void;
  promise: Promise<SendC2CResult>;
}

interface Lane {
  entries: OutboxEntry[];
  running: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Consecutive retriable failures of the head; kept across pumps so the delay grows, reset on success. */
  failures: number;
}

/**
 * Holds sends until the server confirms them. One lane per recipient (or group) keeps each conversation in order:
 * only a lane's head is in flight. A head that fails on a lost connection or a retriable error is sent
 * again unchanged (same `clientMsgId`, so the server answers a resend of an accepted one with
 * `duplicate: true`); a head the server rejects is dropped and the lane moves on. Entries are persisted
 * before the first attempt and deleted after confirmation.
 *
 * When several clients share one storage (tabs of a user), only the one the {@link OutboxCoordinator} made
 * leader sends; the others persist their entries, tell the leader, and settle their callers' promises
 * from the leader's notices. A new leader reloads the outbox from storage, so nothing queued is lost.
 */
export class Outbox {
  private readonly lanes = new Map<string, Lane>();
  private readonly waiters = new Map<string, Waiter>();
  /** clientMsgIds settled here or by another instance: a reload that races the delete must not revive them. */
  private readonly settled = new LruSet(1000);
  private readonly coordinator: OutboxCoordinator;
  private nextOrder = 1;
  private connected = false;
  private stopped = false;
  private leader = false;
  private coordinating = false;

  constructor(private readonly deps: OutboxDeps) {
    this.coordinator = deps.coordinator ?? new SoloOutboxCoordinator();
    // Alone with its storage, it leads from the start (also before restore()).
    this.leader = this.coordinator instanceof SoloOutboxCoordinator;
  }

  /** Whether this instance sends the outbox (always, unless a coordinator gave the lead to another tab). */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Entries not yet confirmed. */
  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.entries.length;
    return n;
  }

  /**
   * Restores entries persisted by an earlier session (they are sent on the next connection) and starts
   * competing for the lead.
   */
  async restore(): Promise<void> {
    if (!this.coordinating && !this.stopped) {
      this.coordinating = true;
      this.coordinator.start(this.deps.userId, {
        lead: () => {
          if (this.stopped) return;
          this.leader = true;
          // Entries other tabs queued while this one was waiting in line are only in storage.
          this.reload().catch(() => {});
        },
        notice: (notice) => this.onNotice(notice),
      });
    }
    await this.reload();
  }

  /** Queues a send; resolves with the server's result once confirmed. Re-queuing a queued `clientMsgId` joins it. */
  async enqueue(request: OutboxRequest): Promise<SendC2CResult> {
    if (this.stopped) throw new ImError("IM_CLIENT_STOPPED", "The client is stopped.");
    const existing = this.waiters.get(request.clientMsgId);
    if (existing !== undefined) return existing.promise;
    const waiter = this.createWaiter(request.clientMsgId);
    if (this.findEntry(request.clientMsgId) === undefined) {
      const entry: OutboxEntry = { request: { ...request }, order: this.nextOrder++, queuedAt: Date.now() };
      await this.deps.storage.putOutbox(this.deps.userId, entry);
      this.lane(laneKey(request)).entries.push(entry);
      this.coordinator.publish({ kind: "queued", clientMsgId: request.clientMsgId });
    }
    this.pumpAll();
    return waiter.promise;
  }

  /** The connection is up: every lane resumes. */
  connectionUp(): void {
    this.connected = true;
    // A new connection is worth an attempt now; a lane's failure count stays, so a server that keeps
    // refusing is still backed off from.
    for (const lane of this.lanes.values()) {
      if (lane.timer !== undefined) clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    this.pumpAll();
  }

  /** The connection is down: lanes pause after their call in flight fails. */
  connectionDown(): void {
    this.connected = false;
  }

  /** Rejects every waiting caller with `IM_CLIENT_STOPPED`; persisted entries stay for the next session. */
  stop(): void {
    this.stopped = true;
    this.connected = false;
    this.leader = false;
    this.coordinator.stop();
    for (const lane of this.lanes.values()) {
      if (lane.timer !== undefined) clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    this.lanes.clear();
    const error = new ImError("IM_CLIENT_STOPPED", "The client was stopped before the server confirmed the send.");
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }

  private async reload(): Promise<void> {
    const entries = await this.deps.storage.loadOutbox(this.deps.userId);
    for (const entry of entries.sort((a, b) => a.order - b.order)) {
      this.nextOrder = Math.max(this.nextOrder, entry.order + 1);
      const id = entry.request.clientMsgId;
      if (!this.settled.has(id) && this.findEntry(id) === undefined) this.lane(laneKey(entry.request)).entries.push(entry);
    }
    this.pumpAll();
  }

  private onNotice(notice: OutboxNotice): void {
    if (this.stopped) return;
    if (notice.kind === "queued") {
      if (this.leader) this.reload().catch(() => {});
      return;
    }
    this.settled.add(notice.clientMsgId);
    const entry = this.findEntry(notice.clientMsgId);
    if (entry !== undefined) this.lane(laneKey(entry.request)).entries.splice(this.lane(laneKey(entry.request)).entries.indexOf(entry), 1);
    const waiter = this.waiters.get(notice.clientMsgId);
    this.waiters.delete(notice.clientMsgId);
    if (notice.kind === "sent") {
      waiter?.resolve(notice.result);
      if (entry !== undefined) this.deps.onSent(entry.request, notice.result);
    } else {
      const error = new ImError(notice.code as ImError["code"], notice.message);
      waiter?.reject(error);
      if (entry !== undefined) this.deps.onFailed(entry.request, error);
    }
  }

  private pumpAll(): void {
    for (const lane of this.lanes.values()) void this.pump(lane);
  }

  private async pump(lane: Lane): Promise<void> {
    if (lane.running || lane.timer !== undefined || !this.connected || this.stopped || !this.leader) return;
    lane.running = true;
    try {
      while (this.connected && !this.stopped && this.leader) {
        const head = lane.entries[0];
        if (head === undefined) return;
        try {
          const result = await this.deps.send(head.request);
          lane.failures = 0;
          // Settled meanwhile by another tab's notice (it led while this one was away): already reported.
          if (!(await this.finish(lane, head, { kind: "sent", clientMsgId: head.request.clientMsgId, result }))) continue;
          this.waiters.get(head.request.clientMsgId)?.resolve(result);
          this.waiters.delete(head.request.clientMsgId);
          this.deps.onSent(head.request, result);
        } catch (error) {
          const imError = ImError.fromInvocationError(error);
          if (this.stopped) return;
          // A lost connection waits for connectionUp, unless the transport is already back.
          if (imError.code === "IM_CONNECTION_LOST" && !this.connected) return;
          if (imError.retriable) {
            lane.failures++;
            // delayFor(n) is the delay before attempt n + 1: exponential with jitter up to its cap.
            lane.timer = setTimeout(() => {
              lane.timer = undefined;
              void this.pump(lane);
            }, Math.max(50, this.deps.backoff.delayFor(lane.failures + 1)));
            return;
          }
          lane.failures = 0;
          const notice: OutboxNotice = { kind: "failed", clientMsgId: head.request.clientMsgId, code: imError.code, message: imError.message };
          if (!(await this.finish(lane, head, notice))) continue;
          this.waiters.get(head.request.clientMsgId)?.reject(imError);
          this.waiters.delete(head.request.clientMsgId);
          this.deps.onFailed(head.request, imError);
        }
      }
    } finally {
      lane.running = false;
    }
  }

  /** Drops a settled entry from the lane and storage, then tells the other tabs; false if it was settled already. */
  private async finish(lane: Lane, entry: OutboxEntry, notice: OutboxNotice): Promise<boolean> {
    const index = lane.entries.indexOf(entry);
    if (index < 0) return false;
    lane.entries.splice(index, 1);
    this.settled.add(entry.request.clientMsgId);
    // Deleted before the notice goes out: a tab that reloads after hearing it cannot find the entry again.
    await this.deps.storage.deleteOutbox(this.deps.userId, entry.request.clientMsgId);
    this.coordinator.publish(notice);
    return true;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) this.lanes.set(key, (lane = { entries: [], running: false, timer: undefined, failures: 0 }));
    return lane;
  }

  private findEntry(clientMsgId: string): OutboxEntry | undefined {
    for (const lane of this.lanes.values()) {
      const found = lane.entries.find((e) => e.request.clientMsgId === clientMsgId);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private createWaiter(clientMsgId: string): Waiter {
    let resolve!: (r: SendC2CResult) => void;
    let reject!: (e: ImError) => void;
    const promise = new Promise<SendC2CResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiter: Waiter = { resolve, reject, promise };
    this.waiters.set(clientMsgId, waiter);
    return waiter;
  }
}

/** A lane per conversation: user ids cannot contain ':', so a group's lane never meets a peer's. */
function laneKey(request: OutboxRequest): string {
  return isGroupSend(request) ? `grp:${request.groupId}` : request.toUserId;
}
