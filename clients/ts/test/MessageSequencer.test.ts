import { describe, expect, it, vi } from "vitest";
import { MessageSequencer, type SequencerDeps } from "../src/MessageSequencer.js";
import type { MessageDto, SyncResult } from "../src/models.js";

const CHAT = "c2c:alice:bob";
const msg = (seq: number, chatId = CHAT): MessageDto => ({
  msgId: `${chatId}#${seq}`,
  clientMsgId: `c${seq}`,
  chatId,
  seq,
  fromUserId: "bob",
  toUserId: "alice",
  content: `m${seq}`,
  msgFormat: 1,
  ext: null,
  sendTime: seq,
  status: 1,
  recalled: false,
});

/** A store holding messages 1..n per chat; fetchAfter answers from it, optionally after a gate. */
function setup(store: Record<string, number>, options: { pageSize?: number; gate?: () => Promise<void> } = {}) {
  const delivered: string[] = [];
  const duplicates: string[] = [];
  const fetches: { chatId: string; afterSeq: number }[] = [];
  const undelivered: MessageDto[] = [];
  const deps: SequencerDeps = {
    fetchAfter: async (chatId, afterSeq): Promise<SyncResult> => {
      fetches.push({ chatId, afterSeq });
      await options.gate?.();
      const max = store[chatId] ?? 0;
      const size = options.pageSize ?? 200;
      const messages: MessageDto[] = [];
      for (let s = afterSeq + 1; s <= Math.min(max, afterSeq + size); s++) messages.push(msg(s, chatId));
      return { messages, hasMore: afterSeq + size < max, maxSeqByChat: { ...store } };
    },
    fetchUndelivered: async () => ({ messages: undelivered.map((m) => ({ ...m })), hasMore: false, maxSeqByChat: { ...store } }),
    afterUndeliveredPage: async () => {},
    deliver: (m) => delivered.push(`${m.chatId === CHAT ? "" : m.chatId + "/"}${m.seq}`),
    duplicate: (m) => duplicates.push(String(m.seq)),
    cursorMoved: () => {},
    syncFailed: () => {},
  };
  const sequencer = new MessageSequencer(deps, { dedupeCapacity: 100 });
  return { sequencer, delivered, duplicates, fetches, undelivered, store };
}

describe("MessageSequencer", () => {
  it("drops a message whose msgId was restored into the duplicate filter, and reports new ids as seen", () => {
    const restored = setup({});
    restored.sequencer.restoreCursor(CHAT, 0);
    restored.sequencer.restoreSeen([`${CHAT}#1`]);
    restored.sequencer.release();
    restored.sequencer.accept(msg(1));
    expect(restored.delivered).toEqual([]);
    expect(restored.duplicates).toEqual(["1"]);

    const fresh = setup({});
    const seen: string[] = [];
    (fresh.sequencer as unknown as { deps: SequencerDeps }).deps.seenAdded = (id) => seen.push(id);
    fresh.sequencer.restoreCursor(CHAT, 0);
    fresh.sequencer.release();
    fresh.sequencer.accept(msg(1));
    expect(fresh.delivered).toEqual(["1"]);
    expect(seen).toEqual([`${CHAT}#1`]);
  });

  it("delivers contiguous pushes at once and in order", () => {
    const s = setup({});
    s.sequencer.restoreCursor(CHAT, 0);
    for (const seq of [1, 2, 3]) s.sequencer.accept(msg(seq));
    expect(s.delivered).toEqual(["1", "2", "3"]);
    expect(s.fetches).toEqual([]);
  });

  it("drops a repeated push by seq and by msgId", () => {
    const s = setup({});
    s.sequencer.accept(msg(1));
    s.sequencer.accept(msg(1));
    s.sequencer.accept({ ...msg(1) });
    expect(s.delivered).toEqual(["1"]);
    expect(s.duplicates).toEqual(["1", "1"]);
  });

  it("syncs from the last delivered seq when a push skips ahead and delivers the gap first", async () => {
    const s = setup({ [CHAT]: 5 });
    s.sequencer.accept(msg(1));
    s.sequencer.accept(msg(5));
    expect(s.delivered).toEqual(["1"]);
    await vi.waitFor(() => expect(s.delivered).toEqual(["1", "2", "3", "4", "5"]));
    expect(s.fetches).toEqual([{ chatId: CHAT, afterSeq: 1 }]);
  });

  it("holds pushes that arrive during a sync and releases them in seq order after it", async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const s = setup({ [CHAT]: 3 }, { gate: () => gate });
    s.sequencer.restoreCursor(CHAT, 0);
    const sync = s.sequencer.syncChat(CHAT);
    // Pushes 5, 4 (out of order) and a duplicate 2 arrive while the sync is in flight.
    s.store[CHAT] = 3; // the sync's snapshot only has 1..3
    s.sequencer.accept(msg(5));
    s.sequencer.accept(msg(4));
    s.sequencer.accept(msg(2));
    expect(s.delivered).toEqual([]);
    open();
    await sync;
    expect(s.delivered).toEqual(["1", "2", "3", "4", "5"]);
    expect(s.duplicates).toContain("2");
  });

  it("pages a long sync while the server says there is more", async () => {
    const s = setup({ [CHAT]: 450 }, { pageSize: 200 });
    s.sequencer.restoreCursor(CHAT, 0);
    await s.sequencer.syncChat(CHAT);
    expect(s.delivered).toHaveLength(450);
    expect(s.delivered.at(-1)).toBe("450");
    expect(s.fetches.map((f) => f.afterSeq)).toEqual([0, 200, 400]);
  });

  it("accepts a seq jump the server cannot fill after a bounded number of resyncs", async () => {
    const s = setup({ [CHAT]: 2 });
    s.sequencer.accept(msg(1));
    s.sequencer.accept(msg(2));
    s.sequencer.accept(msg(10)); // 3..9 never existed (seq jumped after state loss)
    await vi.waitFor(() => expect(s.delivered).toEqual(["1", "2", "10"]));
    expect(s.fetches.length).toBe(3); // first sync + 2 resync rounds
    s.sequencer.accept(msg(11));
    expect(s.delivered.at(-1)).toBe("11");
  });

  it("keeps conversations independent", async () => {
    const other = "c2c:alice:carol";
    const s = setup({ [CHAT]: 3, [other]: 1 });
    s.sequencer.accept(msg(1, other));
    s.sequencer.accept(msg(3)); // gap in CHAT only
    s.sequencer.accept(msg(2, other));
    expect(s.delivered).toEqual([`${other}/1`, `${other}/2`]);
    await vi.waitFor(() => expect(s.delivered).toEqual([`${other}/1`, `${other}/2`, "1", "2", "3"]));
  });

  describe("catchUp", () => {
    it("syncs every known conversation from its cursor to the newest seq", async () => {
      const other = "c2c:alice:carol";
      const s = setup({ [CHAT]: 7, [other]: 4 });
      s.sequencer.restoreCursor(CHAT, 5);
      s.sequencer.restoreCursor(other, 4);
      await s.sequencer.catchUp();
      expect(s.delivered).toEqual(["6", "7"]);
      expect(s.fetches).toEqual([{ chatId: CHAT, afterSeq: 5 }]);
    });

    it("starts a new conversation just below its oldest undelivered message, not at the beginning", async () => {
      const s = setup({ [CHAT]: 10 });
      s.undelivered.push(msg(8), msg(9), msg(10));
      await s.sequencer.catchUp();
      expect(s.delivered).toEqual(["8", "9", "10"]);
      expect(s.fetches).toEqual([{ chatId: CHAT, afterSeq: 7 }]);
    });

    it("treats a conversation without undelivered messages as read up to its newest seq", async () => {
      const s = setup({ [CHAT]: 10 });
      await s.sequencer.catchUp();
      expect(s.delivered).toEqual([]);
      expect(s.sequencer.cursorOf(CHAT)).toBe(10);
      s.sequencer.accept(msg(11));
      expect(s.delivered).toEqual(["11"]);
    });

    it("holds pushes during the catch-up and delivers each message once in order", async () => {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const s = setup({ [CHAT]: 6 }, { gate: () => gate });
      s.sequencer.restoreCursor(CHAT, 2);
      const run = s.sequencer.catchUp();
      await new Promise((r) => setTimeout(r, 0));
      s.sequencer.accept(msg(6));
      s.sequencer.accept(msg(7));
      s.sequencer.accept(msg(4));
      expect(s.delivered).toEqual([]);
      open();
      await run;
      expect(s.delivered).toEqual(["3", "4", "5", "6", "7"]);
    });

    it("re-acks undelivered messages it had already handed over", async () => {
      const s = setup({ [CHAT]: 3 });
      s.sequencer.restoreCursor(CHAT, 3);
      s.undelivered.push(msg(3));
      await s.sequencer.catchUp();
      expect(s.delivered).toEqual([]);
      expect(s.duplicates).toEqual(["3"]);
    });
  });
});

describe("MessageSequencer baseline", () => {
  it("starts a new conversation below a message held during the catch-up (own send confirmed meanwhile)", async () => {
    const s = setup({ [CHAT]: 1 });
    s.sequencer.hold();
    s.sequencer.accept({ ...msg(1), fromUserId: "alice", toUserId: "bob" });
    await s.sequencer.catchUp();
    expect(s.delivered).toEqual(["1"]);
  });
});
