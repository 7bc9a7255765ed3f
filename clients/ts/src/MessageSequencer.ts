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
   * Extra syncs of a conversation while a gap remains below held messages (a buffered push above it, or a
   * hole inside a sync page). After them the gap is taken as a seq jump the server made (allowed after state
   * loss) and the held messages are released. Default: one per entry of `holeRetryDelaysMs`.
   */
  maxResyncRounds?: number;
  /**
   * Delays before each extra sync of a conversation with a gap (the last one repeats when `maxResyncRounds`
   * asks for more). A seq is allocated before its message is committed, and nodes commit independently, so a
   * page may lack a seq that is still in flight; waiting lets its push or a later page fill it.
   * Default `[250, 1000]`.
   */
  holeRetryDelaysMs?: readonly number[];
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
  /** The next sync of a conversation whose gap is waited out (the missing seq may still be committing). */
  holeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Extra syncs made for the current gap; reset when the gap closes. */
  holeRounds: number;
  /**
   * The last sync stopped paging at a hole (so what is held stays one page): the pages after it are read once
   * the hole is filled or taken as a jump.
   */
  unread: boolean;
  /**
   * The newest seq the last sync read from the store (its cursor when the store had nothing newer). Only a gap
   * below it is one the store shows; a held push above it may sit on seqs the sync has not read yet.
   */
  readTop: number;
}

/**
 * Turns pushes and sync pages into an exactly-once, seq-ordered stream per conversation. A push that
 * continues the conversation is delivered at once; one that skips ahead is held and the conversation is
 * synced from the last delivered seq; pushes that arrive during any sync are held and released in seq
 * order afterwards. A seq missing from a sync page is not skipped at once: it may be allocated but not yet
 * committed on another node, so the messages above it are held and the conversation is synced again after
 * `holeRetryDelaysMs`; a push or page that fills it releases them at once, and only a gap that outlasts
 * every round is taken as a seq jump. Duplicates are dropped by seq and by `msgId` (bounded LRU).
 */
export class MessageSequencer {
  private readonly chats = new Map<string, ChatState>();
  private readonly seen: LruSet;
  private readonly maxResyncRounds: number;
  private readonly holeRetryDelaysMs: readonly number[];
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
    this.holeRetryDelaysMs = options.holeRetryDelaysMs ?? [250, 1000];
    this.maxResyncRounds = options.maxResyncRounds ?? this.holeRetryDelaysMs.length;
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
    for (const state of this.chats.values()) {
      this.clearRetry(state);
      this.clearHole(state);
    }
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
      if (state.holeTimer !== undefined) {
        // It filled the hole being waited out, but more is held above another: read on from here now.
        this.clearHole(state);
        state.holeRounds = 0;
        this.syncInBackground(state);
      } else if (state.unread && state.buffer.size === 0) {
        // It filled a hole that stopped a sync's paging: read the rest.
        this.syncInBackground(state);
      }
      return;
    }
    state.buffer.set(message.seq, message);
    // A gap being waited out is synced when its timer fires; syncing now would only shorten the wait.
    if (state.holeTimer === undefined) this.syncInBackground(state);
  }

  /**
   * Catch-up after a (re)connect: reads undelivered messages and `maxSeqByChat`, sets a baseline for
   * conversations seen for the first time (just below their oldest undelivered message, else, once the last
   * undelivered page is read, their newest seq), then syncs every conversation that lags. Pushes are held
   * meanwhile and released afterwards.
   */
  async catchUp(): Promise<void> {
    this.hold();
    const generation = this.holdGeneration;
    try {
      let previousPage = new Set<string>();
      for (let page = 0; page < this.maxUndeliveredPages; page++) {
        const result = await this.deps.fetchUndelivered();
        // Acks move the undelivered page on. Messages held above a hole are not acked until handed over, so
        // a page of only those comes back unchanged: reading it again would only repeat the same syncs.
        const stuck = result.messages.every((m) => previousPage.has(m.msgId));
        const last = !result.hasMore || result.messages.length === 0 || stuck || page === this.maxUndeliveredPages - 1;
        previousPage = new Set(result.messages.map((m) => m.msgId));
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
    if (state.syncing !== undefined || state.retryTimer !== undefined || state.holeTimer !== undefined) return;
    this.syncInBackground(state);
  }

  /**
   * Syncs one conversation from its cursor to the end, then releases what is contiguous. A gap left below held
   * messages is synced again later (see `holeRetryDelaysMs`); the returned promise does not wait for that.
   */
  syncChat(chatId: string): Promise<void> {
    const state = this.state(chatId);
    if (state.syncing !== undefined) return state.syncing;
    this.clearRetry(state);
    const run = this.runSync(state).then(
      () => {
        state.syncing = undefined;
        state.failures = 0;
        this.afterSync(state);
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

  /** One pass over the conversation after its cursor; what lies above a gap stays held in the buffer. */
  private async runSync(state: ChatState): Promise<void> {
    state.unread = false;
    let after = state.cursor ?? 0;
    state.readTop = after;
    for (;;) {
      const page = await this.deps.fetchAfter(state.chatId, after);
      const messages = page.messages.filter((m) => m.chatId === state.chatId).sort((a, b) => a.seq - b.seq);
      for (const m of messages) {
        if (m.seq <= (state.cursor ?? 0)) continue;
        // Without a baseline there is no gap to see: the page itself is where the conversation starts.
        if (state.cursor === undefined) this.emit(state, m);
        // The store's copy wins over a held push of the same seq (its status is current). The push is not acked
        // as a repeat: it was never handed over, and the copy is acked when it is.
        else state.buffer.set(m.seq, m);
      }
      this.drain(state);
      // Page on from the newest message read, not the cursor: a hole may keep the cursor below the page.
      const top = messages.at(-1)?.seq ?? after;
      state.readTop = Math.max(state.readTop, top);
      if (!page.hasMore || messages.length === 0 || top <= after) break;
      if ([...state.buffer.keys()].some((seq) => seq <= top)) {
        // A hole in this page: read on only once it is resolved, so the held messages stay one page.
        state.unread = true;
        break;
      }
      after = Math.max(top, state.cursor ?? 0);
    }
  }

  /**
   * After a completed sync: a gap still below held messages is synced again after a delay (its seq may be
   * allocated but not yet committed on another node); after the last round it is taken as a jump.
   */
  private afterSync(state: ChatState): void {
    if (this.stopped || this.holdAll) return; // release() settles it when the hold ends
    this.drain(state);
    if (state.buffer.size === 0) {
      if (state.unread) this.syncInBackground(state);
      return;
    }
    if (state.holeTimer !== undefined) return;
    if (state.holeRounds >= this.maxResyncRounds) {
      this.releaseAcrossGaps(state);
      // Read on: the pages after a hole that stopped the paging, or the seqs between what was read and the
      // pushes held above it. A gap found there gets rounds of its own.
      if (state.unread || state.buffer.size > 0) this.syncInBackground(state);
      return;
    }
    const delays = this.holeRetryDelaysMs;
    const delay = delays[Math.min(state.holeRounds, delays.length - 1)] ?? 0;
    state.holeRounds++;
    state.holeTimer = setTimeout(() => {
      state.holeTimer = undefined;
      if (!this.holdAll) this.settle(state);
    }, delay);
  }

  /**
   * The gap outlasted every round: a seq jump (G3). Held messages go out in seq order, but only up to what the
   * last sync read: above it a held push may sit on seqs still to be read (their pushes lost in a cut, or
   * committed while the page was on its way), and jumping there would pass them unseen. Only when the store
   * returned none of the held messages through every round are they all taken as they are.
   */
  private releaseAcrossGaps(state: ChatState): void {
    const held = [...state.buffer.keys()].sort((a, b) => a - b);
    const upTo = held.some((seq) => seq <= state.readTop) ? state.readTop : Number.POSITIVE_INFINITY;
    for (const seq of held) {
      if (seq > upTo) break;
      const m = state.buffer.get(seq);
      state.buffer.delete(seq);
      if (m === undefined) continue;
      if (seq > (state.cursor ?? 0)) this.emit(state, m);
      else this.deps.duplicate(m);
    }
    state.holeRounds = 0;
    this.drain(state);
  }

  private clearHole(state: ChatState): void {
    if (state.holeTimer !== undefined) clearTimeout(state.holeTimer);
    state.holeTimer = undefined;
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
    if (this.stopped || state.syncing !== undefined || state.retryTimer !== undefined || state.holeTimer !== undefined) return;
    if (state.buffer.size === 0 && !state.unread) return;
    this.drain(state);
    if (state.buffer.size > 0 || state.unread) this.syncInBackground(state);
  }

  private syncInBackground(state: ChatState): void {
    this.syncChat(state.chatId).catch((error: unknown) => this.deps.syncFailed(state.chatId, error));
  }

  /** Delivers what is contiguous in the buffer; when nothing is left held, a gap being waited out is closed. */
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
    this.clearHole(state);
    state.holeRounds = 0;
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
      this.chats.set(chatId, (state = { chatId, cursor: undefined, buffer: new Map(), syncing: undefined, failures: 0, retryTimer: undefined, holeTimer: undefined, holeRounds: 0, unread: false, readTop: 0 }));
    }
    return state;
  }
}

/** 250 ms doubling to 10 s, each scaled by a random factor in [0.5, 1). */
function defaultRetryDelayMs(failures: number): number {
  const base = Math.min(10_000, 250 * 2 ** Math.min(Math.max(failures - 1, 0), 10));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}
