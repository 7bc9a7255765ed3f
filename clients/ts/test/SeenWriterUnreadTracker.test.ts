import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryClientStorage } from "../src/MemoryClientStorage.js";
import { SeenWriter } from "../src/SeenWriter.js";
import { UnreadTracker } from "../src/UnreadTracker.js";
import type { MessageDto } from "../src/models.js";

describe("SeenWriter", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes ids within 100 ms in one batch, at once when 500 wait, and reports a failed write", async () => {
    const storage = new MemoryClientStorage();
    const save = vi.spyOn(storage, "saveSeen");
    const failures: unknown[] = [];
    const writer = new SeenWriter(storage, "alice", 10_000, (e) => failures.push(e));
    writer.add("m1");
    writer.add("m2");
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(save.mock.calls).toEqual([["alice", ["m1", "m2"], 10_000]]);
    for (let i = 0; i < 500; i++) writer.add(`b${i}`);
    expect(save).toHaveBeenCalledTimes(2);
    save.mockRejectedValueOnce(new Error("quota"));
    writer.add("m3");
    await writer.flush();
    expect(failures).toHaveLength(1);
    expect(await storage.loadSeen("alice", 10_000)).toHaveLength(502);
  });
});

describe("UnreadTracker", () => {
  const msg = (chatId: string, seq: number, over: Partial<MessageDto> = {}): MessageDto => ({
    msgId: `${chatId}#${seq}`,
    clientMsgId: `c${seq}`,
    chatId,
    seq,
    fromUserId: "bob",
    toUserId: "alice",
    content: "",
    msgFormat: 1,
    ext: null,
    sendTime: seq,
    status: 1,
    recalled: false,
    ...over,
  });

  it("takes peer messages up to a seq or by id, skips own, read and group-read ones, and forgets what it took", () => {
    const tracker = new UnreadTracker("alice", () => 2);
    const chat = "c2c:alice:bob";
    tracker.track(msg(chat, 1));
    tracker.track(msg(chat, 2, { fromUserId: "alice", toUserId: "bob" })); // own
    tracker.track(msg(chat, 3, { status: 4 })); // read already
    tracker.track(msg(chat, 4));
    tracker.track(msg(chat, 5));
    expect(tracker.take(chat, 4)).toEqual({ ids: [`${chat}#1`, `${chat}#4`], newest: { seq: 4, msgId: `${chat}#4` } });
    expect(tracker.take(chat, 4).ids).toEqual([]);
    expect(tracker.take(chat, [`${chat}#5`, "other"])).toEqual({ ids: [`${chat}#5`, "other"], newest: { seq: 5, msgId: `${chat}#5` } });

    const group = "grp:g1";
    tracker.track(msg(group, 2, { groupId: "g1", toUserId: null })); // at the read cursor
    tracker.track(msg(group, 3, { groupId: "g1", toUserId: null }));
    expect(tracker.take(group, 10).ids).toEqual([`${group}#3`]);
  });
});
