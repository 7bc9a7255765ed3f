import { LruSet } from "./LruSet.js";
import type { MessageDto, SyncResult } from "./models.js";

/** What the {@link MessageSequencer} needs from its owner. */
export interface SequencerDeps {
  /** One page of `SyncMessages({chatId, afterSeq})`: that conversation's messages after `afterSeq`, ascending. */
  fetchAfter(chatId: string, afterSeq: number): Promise<SyncResult>;
  /** One page of `SyncMessages({})`: undelivered messages to the caller plus `maxSeqByChat`. */
  fetchUndelivered(): Promise<SyncResult>;
  /** Called between pages of undelivered messages, so their acks reach the server before the next page. */
  afterUndeliveredPage(): Promise<void>;
  /** Hands a message to the app: each message once, in seq order per conversation. */
  deliver(message: MessageDto): void;
  /** A message that was already handed over arrived again (so its ack probably got lost). */
  duplicate(message: MessageDto): void;
  /** The newest seq handed over in a conversation moved forward (persist it). */
  cursorMoved(chatId: string, seq: number): void;
  /** A background sync failed; the next catch-up repairs it. */
  syncFailed(chatId: string, error: unknown): void;
  /** A msgId joined the duplicate filter (persist it, so a reload still drops its copies). */
  seenAdded?(msgId: string): void;
}

/** Settings of {@link MessageSequencer}. */
export interface SequencerOptions {
  /** How many msgIds the duplicate filter remembers. Default 10,000. */
  dedupeCapacity?: number;
  /**
   * Extra syncs of a conversation while a buffered push still sits above a gap. After them the gap is
   * taken as a seq jump the server made (allowed after state loss) and the buffered messages are released.
   */
  maxResyncRounds?: number;
  /** Pages of undelivered messages read in one catch-up at most. */
  maxUndeliveredPages?: number;
  /**
   * Delay before a failed background sync of a conversation is tried again, by consecutive failures
   * (1, 2, …). Default: 250 ms doubling to 10 s, with jitter.
   */
  retryDelayMs?: (failures: number) => number;
}

interface ChatState {
  chatId: string;
  /** Newest seq handed to the app; undefined until a sync or push sets a baseline. */
  cursor: number | undefined;
  /** Pushes held back because of a gap or a running sync, by seq. */
  buffer: Map<number, MessageDto>;
  syncing: Promise<void> | undefined;
  /** Consecutive failed syncs; reset by a sync that completes. */
  failures: number;
  /** A scheduled retry of a failed sync. */
  retryTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Turns pushes and sync pages into an exactly-once, seq-ordered stream per conversation. A push that
 * continues the conversation is delivered at once; one that skips ahead is held and the conversation is
 * synced from the last delivered seq; pushes that arrive during any sync are held and released in seq
 * order afterwards. Duplicates are dropped by seq and by `msgId` (bounded LRU).
 */
export class MessageSequencer {
  private readonly chats = new Map<string, ChatState>();
  private readonly seen: LruSet;
  private readonly maxResyncRounds: number;
  private readonly maxUndeliveredPages: number;
  private readonly retryDelayMs: (failures: number) => number;
  private holdAll = false;
  /** Bumped by every {@link hold}: a catch-up releases only the hold it started itself. */
  private holdGeneration = 0;
  private stopped = false;

  constructor(
    private readonly deps: SequencerDeps,
    options: SequencerOptions = {},
  ) {
    this.seen = new LruSet(options.dedupeCapacity ?? 10_000);
    this.maxResyncRounds = options.maxResyncRounds ?? 2;
    this.maxUndeliveredPages = options.maxUndeliveredPages ?? 50;
    this.retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  }

  /** The newest seq handed to the app in `chatId`, if known. */
  cursorOf(chatId: string): number | undefined {
    return this.chats.get(chatId)?.cursor;
  }

  /** Conversations the sequencer knows. */
  knownChats(): string[] {
    return [...this.chats.keys()];
  }

  /** Fills the duplicate filter from storage, oldest first. */
  restoreSeen(msgIds: readonly string[]): void {
    for (const id of msgIds) this.seen.add(id);
  }

  /** Sets a starting point (from storage); a cursor never moves back. */
  restoreCursor(chatId: string, seq: number): void {
    const state = this.state(chatId);
    state.cursor = Math.max(state.cursor ?? 0, seq);
  }

  /**
   * Holds every push until {@link release} (the connection is being re-established). A catch-up that is
   * running when the hold comes does not release it: the next connection's catch-up does.
   */
  hold(): void {
    this.holdAll = true;
    this.holdGeneration++;
  }

  /** Stops holding: releases buffered pushes in seq order, syncing conversations where a gap remains. */
  release(): void {
    if (this.stopped) return;
    this.holdAll = false;
    for (const state of this.chats.values()) {
      // The connection is back: a sync waiting out a failure's delay may run now.
      this.clearRetry(state);
      this.settle(state);
    }
  }

  /** Stops for good: no sync starts or retries after this. */
  stop(): void {
    this.stopped = true;
    this.holdAll = true;
    for (const state of this.chats.values()) this.clearRetry(state);
  }

  /** A pushed message (or this client's own confirmed send). */
  accept(message: MessageDto): void {
    const state = this.state(message.chatId);
    if (this.seen.has(message.msgId) || (state.cursor !== undefined && message.seq <= state.cursor)) {
      this.deps.duplicate(message);
      return;
    }
    if (this.holdAll || state.syncing !== undefined) {
      state.buffer.set(message.seq, message);
      return;
    }
    const cursor = state.cursor ?? 0;
    if (message.seq === cursor + 1) {
      this.emit(state, message);
      this.drain(state);
      return;
    }
    state.buffer.set(message.seq, message);
    this.syncInBackground(state);
  }

  /**
   * Catch-up after a (re)connect: reads undelivered messages and `maxSeqByChat`, sets a baseline for
   * conversations seen for the first time (just below their oldest undelivered message, else their newest
   * seq), then syncs every conversation that lags. Pushes are held meanwhile and released afterwards.
   */
  async catchUp(): Promise<void> {
    this.hold();
    const generation = this.holdGeneration;
    try {
      for (let page = 0; page < this.maxUndeliveredPages; page++) {
        const result = await this.deps.fetchUndelivered();
        const last = !result.hasMore || result.messages.length === 0 || page === this.maxUndeliveredPages - 1;
        const oldestUndelivered = new Map<string, number>();
        for (const m of result.messages) {
          const state = this.state(m.chatId);
          if (state.cursor !== undefined && m.seq <= state.cursor) this.deps.duplicate(m);
          const prev = oldestUndelivered.get(m.chatId);
          if (prev === undefined || m.seq < prev) oldestUndelivered.set(m.chatId, m.seq);
        }
        const lagging = new Set<string>();
        for (const [chatId, oldest] of oldestUndelivered) {
          const state = this.state(chatId);
          if (state.cursor === undefined) this.setBaseline(state, oldest - 1);
          if (oldest > (state.cursor ?? 0)) lagging.add(chatId);
        }
        for (const [chatId, maxSeq] of Object.entries(result.maxSeqByChat ?? {})) {
          const state = this.state(chatId);
          // A new conversation missing from this page may have undelivered messages on a later one: starting it
          // at its newest seq now would take those for repeats. Only the last page read settles that.
          if (state.cursor === undefined && !last) continue;
          if (state.cursor === undefined) this.setBaseline(state, maxSeq);
          if (maxSeq > (state.cursor ?? 0)) lagging.add(chatId);
        }
        for (const state of this.chats.values()) if (state.buffer.size > 0 && state.cursor !== undefined) lagging.add(state.chatId);
        for (const chatId of lagging) await this.syncChat(chatId);
        await this.deps.afterUndeliveredPage();
        if (last) break;
      }
    } finally {
      // A drop during the catch-up put a newer hold in place: releasing it now would start syncs that
      // fail at once while the transport reconnects. The next catch-up releases it.
      if (generation === this.holdGeneration) this.release();
    }
  }

  /**
   * The hub's newest seq of a known conversation: syncs it in the background when the cursor is behind and
   * nothing is running or waiting for it already (a push lost at the end of a conversation leaves no gap to see).
   */
  syncIfBehind(chatId: string, maxSeq: number): void {
    const state = this.chats.get(chatId);
    if (this.stopped || this.holdAll || state?.cursor === undefined || maxSeq <= state.cursor) return;
    if (state.syncing !== undefined || state.retryTimer !== undefined) return;
    this.syncInBackground(state);
  }

  /** Syncs one conversation from its cursor to the end, then releases its buffered pushes. */
  syncChat(chatId: string): Promise<void> {
    const state = this.state(chatId);
    if (state.syncing !== undefined) return state.syncing;
    this.clearRetry(state);
    const run = this.runSync(state).then(
      () => {
        state.syncing = undefined;
        state.failures = 0;
        if (!this.holdAll) this.settle(state);
      },
      (error: unknown) => {
        state.syncing = undefined;
        state.failures++;
        // Never straight into the next sync: a call that fails at once would make that a loop that
        // starves the event loop. Retry after a growing delay, or when the next catch-up releases.
        this.scheduleRetry(state);
        throw error;
      },
    );
    state.syncing = run;
    return run;
  }

  private async runSync(state: ChatState): Promise<void> {
    for (let round = 0; ; round++) {
      for (;;) {
        const after = state.cursor ?? 0;
        const page = await this.deps.fetchAfter(state.chatId, after);
        const messages = page.messages.filter((m) => m.chatId === state.chatId).sort((a, b) => a.seq - b.seq);
        for (const m of messages) {
          // The store is authoritative: a seq it skips is a jump, not something still to come.
          if (m.seq > (state.cursor ?? 0)) this.emit(state, m);
        }
        if (!page.hasMore || messages.length === 0 || (state.cursor ?? 0) <= after) break;
      }
      this.drain(state);
      if (state.buffer.size === 0) return;
      if (round >= this.maxResyncRounds) {
        for (const seq of [...state.buffer.keys()].sort((a, b) => a - b)) {
          const m = state.buffer.get(seq);
          state.buffer.delete(seq);
          if (m !== undefined && seq > (state.cursor ?? 0)) this.emit(state, m);
        }
        return;
      }
    }
  }

  private scheduleRetry(state: ChatState): void {
    if (this.stopped || state.retryTimer !== undefined) return;
    state.retryTimer = setTimeout(() => {
      state.retryTimer = undefined;
      if (!this.holdAll) this.settle(state);
    }, this.retryDelayMs(state.failures));
  }

  private clearRetry(state: ChatState): void {
    if (state.retryTimer !== undefined) clearTimeout(state.retryTimer);
    state.retryTimer = undefined;
  }

  /** Delivers what is contiguous in the buffer; a remaining gap starts a sync. */
  private settle(state: ChatState): void {
    if (this.stopped || state.buffer.size === 0 || state.syncing !== undefined || state.retryTimer !== undefined) return;
    this.drain(state);
    if (state.buffer.size > 0) this.syncInBackground(state);
  }

  private syncInBackground(state: ChatState): void {
    this.syncChat(state.chatId).catch((error: unknown) => this.deps.syncFailed(state.chatId, error));
  }

  private drain(state: ChatState): void {
    for (const seq of [...state.buffer.keys()].sort((a, b) => a - b)) {
      const cursor = state.cursor ?? 0;
      const m = state.buffer.get(seq);
      if (m === undefined) continue;
      if (seq <= cursor) {
        state.buffer.delete(seq);
        this.deps.duplicate(m);
      } else if (seq === cursor + 1) {
        state.buffer.delete(seq);
        this.emit(state, m);
      } else {
        return;
      }
    }
  }

  private emit(state: ChatState, message: MessageDto): void {
    state.cursor = Math.max(state.cursor ?? 0, message.seq);
    this.deps.cursorMoved(state.chatId, state.cursor);
    if (!this.seen.add(message.msgId)) {
      this.deps.duplicate(message);
      return;
    }
    this.deps.seenAdded?.(message.msgId);
    this.deps.deliver(message);
  }

  private setBaseline(state: ChatState, seq: number): void {
    // Held messages are new to this client (e.g. its own send confirmed during the catch-up): start below them.
    let baseline = seq;
    for (const held of state.buffer.keys()) baseline = Math.min(baseline, held - 1);
    state.cursor = Math.max(0, baseline);
    this.deps.cursorMoved(state.chatId, state.cursor);
  }

  private state(chatId: string): ChatState {
    let state = this.chats.get(chatId);
    if (state === undefined) {
      this.chats.set(chatId, (state = { chatId, cursor: undefined, buffer: new Map(), syncing: undefined, failures: 0, retryTimer: undefined }));
    }
    return state;
  }
}

/** 250 ms doubling to 10 s, each scaled by a random factor in [0.5, 1). */
function defaultRetryDelayMs(failures: number): number {
  const base = Math.min(10_000, 250 * 2 ** Math.min(Math.max(failures - 1, 0), 10));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}
