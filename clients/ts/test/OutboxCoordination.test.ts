import { describe, expect, it } from "vitest";
import { BackoffRetryPolicy } from "../src/BackoffRetryPolicy.js";
import { MemoryClientStorage } from "../src/MemoryClientStorage.js";
import type { SendC2CRequest, SendC2CResult } from "../src/models.js";
import { Outbox } from "../src/Outbox.js";
import { FakeTabBus } from "./fakes/FakeTabBus.js";

// Two tabs of one user share the storage; the fake bus plays Web Locks + BroadcastChannel.
const req = (id: string): SendC2CRequest => ({ clientMsgId: id, toUserId: "bob", content: id, msgFormat: 1 });
const waitFor = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

function server() {
  const calls: string[] = [];
  const accepted = new Map<string, SendC2CResult>();
  const send = (r: SendC2CRequest): Promise<SendC2CResult> => {
    calls.push(r.clientMsgId);
    const prior = accepted.get(r.clientMsgId);
    if (prior !== undefined) return Promise.resolve({ ...prior, duplicate: true });
    const result = { msgId: `m-${r.clientMsgId}`, chatId: "c2c:alice:bob", seq: accepted.size + 1, serverTime: 1, duplicate: false };
    accepted.set(r.clientMsgId, result);
    return Promise.resolve(result);
  };
  return { calls, accepted, send };
}

function tab(bus: FakeTabBus, storage: MemoryClientStorage, send: (r: SendC2CRequest) => Promise<SendC2CResult>) {
  const sent: string[] = [];
  const outbox = new Outbox({
    storage,
    userId: "alice",
    backoff: new BackoffRetryPolicy({ initialDelayMs: 1, maxDelayMs: 5 }),
    send,
    onSent: (r) => sent.push(r.clientMsgId),
    onFailed: () => {},
    coordinator: bus.tab(),
  });
  return { outbox, sent };
}

describe("Outbox shared by tabs", () => {
  it("only the leader sends; a follower's send is delivered by the leader and its promise settles", async () => {
    const bus = new FakeTabBus();
    const storage = new MemoryClientStorage();
    const srv = server();
    const a = tab(bus, storage, srv.send);
    const b = tab(bus, storage, srv.send);
    await a.outbox.restore();
    await b.outbox.restore();
    await waitFor(() => a.outbox.isLeader);
    expect(b.outbox.isLeader).toBe(false);
    a.outbox.connectionUp();
    b.outbox.connectionUp();

    const result = await b.outbox.enqueue(req("from-b"));
    expect(result.msgId).toBe("m-from-b");
    expect(srv.calls).toEqual(["from-b"]);
    expect(b.sent).toEqual(["from-b"]);
    expect(b.outbox.size).toBe(0);
    expect(await storage.loadOutbox("alice")).toEqual([]);
  });

  it("entries queued while both tabs were offline are sent once when they come back", async () => {
    const bus = new FakeTabBus();
    const storage = new MemoryClientStorage();
    const srv = server();
    const a = tab(bus, storage, srv.send);
    const b = tab(bus, storage, srv.send);
    await a.outbox.restore();
    await b.outbox.restore();
    const pa = a.outbox.enqueue(req("a1"));
    const pb = b.outbox.enqueue(req("b1"));
    await waitFor(() => a.outbox.size === 2 && b.outbox.size === 1);
    a.outbox.connectionUp();
    b.outbox.connectionUp();
    await Promise.all([pa, pb]);
    expect(srv.calls.sort()).toEqual(["a1", "b1"]);
  });

  it("a leader that goes away hands its unsent entries to the next tab, which sends them once", async () => {
    const bus = new FakeTabBus();
    const storage = new MemoryClientStorage();
    const srv = server();
    const a = tab(bus, storage, srv.send);
    const b = tab(bus, storage, srv.send);
    await a.outbox.restore();
    await b.outbox.restore();
    await waitFor(() => a.outbox.isLeader);
    // Offline: a queues, then its tab closes before anything was sent.
    void a.outbox.enqueue(req("a1")).catch(() => {});
    await waitFor(() => a.outbox.size === 1);
    a.outbox.stop();
    await waitFor(() => b.outbox.isLeader);
    b.outbox.connectionUp();
    await waitFor(() => b.sent.includes("a1"));
    expect(srv.calls).toEqual(["a1"]);
    expect(await storage.loadOutbox("alice")).toEqual([]);
  });
});
