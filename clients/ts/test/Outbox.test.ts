import { describe, expect, it, vi } from "vitest";
import { BackoffRetryPolicy } from "../src/BackoffRetryPolicy.js";
import { ImError } from "../src/ImError.js";
import { MemoryClientStorage } from "../src/MemoryClientStorage.js";
import type { OutboxRequest } from "../src/ClientStorage.js";
import type { SendC2CRequest, SendC2CResult, SendGroupRequest } from "../src/models.js";
import { Outbox } from "../src/Outbox.js";

type Behaviour = (req: OutboxRequest, attempt: number) => Promise<SendC2CResult>;

function setup(behaviour: Behaviour, storage = new MemoryClientStorage()) {
  const attempts: string[] = [];
  const sent: string[] = [];
  const failed: string[] = [];
  const counts = new Map<string, number>();
  const outbox = new Outbox({
    storage,
    userId: "alice",
    backoff: new BackoffRetryPolicy({ initialDelayMs: 1, maxDelayMs: 5 }),
    send: (req) => {
      attempts.push(req.clientMsgId);
      const n = (counts.get(req.clientMsgId) ?? 0) + 1;
      counts.set(req.clientMsgId, n);
      return behaviour(req, n);
    },
    onSent: (req) => sent.push(req.clientMsgId),
    onFailed: (req, e) => failed.push(`${req.clientMsgId}:${e.code}`),
  });
  return { outbox, attempts, sent, failed, storage };
}

const req = (id: string, to = "bob"): SendC2CRequest => ({ clientMsgId: id, toUserId: to, content: id, msgFormat: 1 });
let seq = 0;
const ok = (r: OutboxRequest): Promise<SendC2CResult> =>
  Promise.resolve({ msgId: `m-${r.clientMsgId}`, chatId: "c2c:alice:bob", seq: ++seq, serverTime: 1, duplicate: false });
const groupReq = (id: string, groupId = "7"): SendGroupRequest => ({ clientMsgId: id, groupId, content: id, msgFormat: 1 });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Outbox", () => {
  it("sends one conversation's messages one at a time in call order", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const s = setup(async (r) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((res) => setTimeout(res, Math.random() * 3));
      inFlight--;
      return ok(r);
    });
    s.outbox.connectionUp();
    const results = await Promise.all(["1", "2", "3", "4", "5"].map((id) => s.outbox.enqueue(req(id))));
    expect(s.attempts).toEqual(["1", "2", "3", "4", "5"]);
    expect(maxInFlight).toBe(1);
    expect(results.map((r) => r.msgId)).toEqual(["m-1", "m-2", "m-3", "m-4", "m-5"]);
  });

  it("resends the same clientMsgId after a retriable error and keeps later messages behind it", async () => {
    const s = setup((r, attempt) =>
      r.clientMsgId === "1" && attempt <= 2 ? Promise.reject(new Error("HubException: IM_STORE_UNAVAILABLE: down")) : ok(r),
    );
    s.outbox.connectionUp();
    await Promise.all([s.outbox.enqueue(req("1")), s.outbox.enqueue(req("2"))]);
    expect(s.attempts).toEqual(["1", "1", "1", "2"]);
    expect(s.sent).toEqual(["1", "2"]);
  });

  it("does not retry a rejected message and moves on to the next", async () => {
    const s = setup((r) => (r.clientMsgId === "bad" ? Promise.reject(new Error("HubException: IM_CONTENT_TOO_LARGE: big")) : ok(r)));
    s.outbox.connectionUp();
    const bad = s.outbox.enqueue(req("bad"));
    const good = s.outbox.enqueue(req("good"));
    await expect(bad).rejects.toMatchObject({ code: "IM_CONTENT_TOO_LARGE", retriable: false });
    await expect(good).resolves.toMatchObject({ msgId: "m-good" });
    expect(s.attempts).toEqual(["bad", "good"]);
    expect(s.failed).toEqual(["bad:IM_CONTENT_TOO_LARGE"]);
    expect(await s.storage.loadOutbox("alice")).toEqual([]);
  });

  it("waits for the connection after a send was cut off and resends the same clientMsgId", async () => {
    const s = setup((r, attempt) =>
      attempt === 1 ? Promise.reject(new Error("Invocation canceled due to the underlying connection being closed.")) : ok(r),
    );
    s.outbox.connectionUp();
    const p = s.outbox.enqueue(req("1"));
    await tick();
    s.outbox.connectionDown();
    await tick();
    await tick();
    expect(s.attempts).toEqual(["1"]);
    s.outbox.connectionUp();
    await expect(p).resolves.toMatchObject({ msgId: "m-1" });
    expect(s.attempts).toEqual(["1", "1"]);
  });

  it("keeps lanes of different peers independent", async () => {
    let releaseBob!: () => void;
    const bobGate = new Promise<void>((r) => (releaseBob = r));
    const s = setup(async (r) => {
      if ("toUserId" in r && r.toUserId === "bob") await bobGate;
      return ok(r);
    });
    s.outbox.connectionUp();
    const toBob = s.outbox.enqueue(req("b1", "bob"));
    await expect(s.outbox.enqueue(req("c1", "carol"))).resolves.toBeDefined();
    releaseBob();
    await toBob;
    expect(s.sent).toEqual(["c1", "b1"]);
  });

  it("persists queued sends and a new outbox over the same storage sends them in order", async () => {
    const storage = new MemoryClientStorage();
    const first = setup(() => Promise.reject(new Error("not connected")), storage);
    const p1 = first.outbox.enqueue(req("1"));
    const p2 = first.outbox.enqueue(req("2"));
    await tick();
    first.outbox.stop();
    await expect(p1).rejects.toBeInstanceOf(ImError);
    await expect(p2).rejects.toMatchObject({ code: "IM_CLIENT_STOPPED" });
    expect((await storage.loadOutbox("alice")).map((e) => e.request.clientMsgId)).toEqual(["1", "2"]);

    const second = setup(ok, storage);
    await second.outbox.restore();
    second.outbox.connectionUp();
    await vi.waitFor(() => expect(second.sent).toEqual(["1", "2"]));
    expect(await storage.loadOutbox("alice")).toEqual([]);
  });

  it("gives a group its own lane, apart from a peer's, and keeps the group's sends in order", async () => {
    let releaseGroup!: () => void;
    const groupGate = new Promise<void>((r) => (releaseGroup = r));
    const s = setup(async (r) => {
      if ("groupId" in r) await groupGate;
      return ok(r);
    });
    s.outbox.connectionUp();
    const g1 = s.outbox.enqueue(groupReq("g1"));
    const g2 = s.outbox.enqueue(groupReq("g2"));
    await expect(s.outbox.enqueue(req("c1", "carol"))).resolves.toBeDefined();
    expect(s.sent).toEqual(["c1"]);
    releaseGroup();
    await Promise.all([g1, g2]);
    expect(s.sent).toEqual(["c1", "g1", "g2"]);
    expect(s.attempts.filter((a) => a.startsWith("g"))).toEqual(["g1", "g2"]);
  });

  it("persists a group send and a new outbox resends it unchanged (same clientMsgId, group and mentions)", async () => {
    const storage = new MemoryClientStorage();
    const first = setup(() => Promise.reject(new Error("not connected")), storage);
    const pending = first.outbox.enqueue({ ...groupReq("g1", "42"), mentions: ["bob"] });
    await tick();
    first.outbox.stop();
    await expect(pending).rejects.toMatchObject({ code: "IM_CLIENT_STOPPED" });

    const resent: OutboxRequest[] = [];
    const second = setup((r) => {
      resent.push(r);
      return ok(r);
    }, storage);
    await second.outbox.restore();
    second.outbox.connectionUp();
    await vi.waitFor(() => expect(second.sent).toEqual(["g1"]));
    expect(resent).toEqual([{ clientMsgId: "g1", groupId: "42", content: "g1", msgFormat: 1, mentions: ["bob"] }]);
    expect(await storage.loadOutbox("alice")).toEqual([]);
  });

  it("joins a second enqueue of the same clientMsgId instead of sending twice", async () => {
    const s = setup(ok);
    const a = s.outbox.enqueue(req("same"));
    const b = s.outbox.enqueue(req("same"));
    s.outbox.connectionUp();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toEqual(rb);
    expect(s.attempts).toEqual(["same"]);
  });
});

describe("Outbox retry delay", () => {
  it("grows with consecutive failures and starts again from the first step after a success", async () => {
    vi.useFakeTimers();
    try {
      let failing = true;
      const times: number[] = [];
      const outbox = new Outbox({
        storage: new MemoryClientStorage(),
        userId: "alice",
        backoff: new BackoffRetryPolicy({ initialDelayMs: 100, maxDelayMs: 3200, random: () => 0.999 }),
        send: (r) => {
          times.push(Date.now());
          return failing ? Promise.reject(new Error("HubException: IM_STORE_UNAVAILABLE: down")) : ok(r);
        },
        onSent: () => {},
        onFailed: () => {},
      });
      outbox.connectionUp();
      const first = outbox.enqueue(req("1"));
      await vi.advanceTimersByTimeAsync(20_000);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // Exponential up to the cap: never fewer than ~2× the previous gap until the cap, and far fewer
      // attempts than a constant first-step delay would make (20 s / 50 ms = 400).
      expect(times.length).toBeLessThan(15);
      expect(Math.max(...gaps)).toBeGreaterThanOrEqual(3000);
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(Math.min(gaps[i - 1]!, 3000));
      failing = false;
      await vi.advanceTimersByTimeAsync(4000);
      await expect(first).resolves.toMatchObject({ msgId: "m-1" });
      // After the success, a new failure waits the first step again, not the cap.
      failing = true;
      const before = times.length;
      const second = outbox.enqueue(req("2"));
      await vi.advanceTimersByTimeAsync(400);
      expect(times.length - before).toBeGreaterThanOrEqual(2);
      failing = false;
      await vi.advanceTimersByTimeAsync(4000);
      await expect(second).resolves.toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
