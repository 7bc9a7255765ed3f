import { LogLevel } from "@microsoft/signalr";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ImChatClient } from "../../src/ImChatClient.js";
import type { MessageDto, SendC2CResult } from "../../src/models.js";
import { devToken, HubProcess } from "../support/HubProcess.js";
import { LoopWatchdog } from "../support/LoopWatchdog.js";
import { TcpProxy } from "../support/TcpProxy.js";

// Issue 21: many SDK clients, each behind its own socket-cutting proxy; cuts right after every reconnect
// (so they land in the catch-up, which small sync pages make multi-page), random cuts while sending, and
// a hub restart. The verdict counts, per conversation, missing, duplicated, out-of-order and pending
// messages and requires all zero; an event-loop watchdog fails the run if the loop ever stalls for 1 s.
const PAIRS = 10;
const PER_SENDER = 60;
const CUTS_AFTER_RECONNECT = 4;
const hub = new HubProcess({ Im__Limits__SendsPerSecond: "5000", Im__Limits__SendBurst: "5000" });

interface Peer {
  userId: string;
  client: ImChatClient;
  proxy: TcpProxy;
  seen: MessageDto[];
  cutsAfterReconnect: number;
}

const peers: Peer[] = [];
const watchdog = new LoopWatchdog();
let chaos = true;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function peer(userId: string, hubPort: number): Promise<Peer> {
  const proxy = new TcpProxy("127.0.0.1", hubPort);
  await proxy.start();
  const token = await devToken(hub.url, userId);
  const client = new ImChatClient({
    url: proxy.url,
    userId,
    accessTokenFactory: () => token,
    syncPageSize: 5,
    ackIntervalMs: 50,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    // Hundreds of cuts are the point of the test; SignalR's error line for each is noise.
    logger: LogLevel.None,
  });
  const p: Peer = { userId, client, proxy, seen: [], cutsAfterReconnect: 0 };
  client.on("message", (m) => p.seen.push(m));
  client.on("connectionState", (state) => {
    // Cut again shortly after each (re)connect: the catch-up sync is then in flight.
    if (state === "connected" && chaos && p.cutsAfterReconnect < CUTS_AFTER_RECONNECT) {
      p.cutsAfterReconnect++;
      setTimeout(() => chaos && proxy.cutAll(), 10 + Math.random() * 150);
    }
  });
  peers.push(p);
  return p;
}

beforeAll(async () => {
  await hub.start();
  watchdog.start();
}, 90_000);

afterAll(async () => {
  watchdog.stop();
  await Promise.all(peers.map((p) => p.client.stop().catch(() => {})));
  await Promise.all(peers.map((p) => p.proxy.stop()));
  await hub.stop();
});

describe("SDK chaos: socket cuts after every reconnect, during multi-page catch-ups, and a hub restart", () => {
  it("delivers every accepted message exactly once and in order, with nothing left pending", async () => {
    const port = Number(new URL(hub.url).port);
    const run = Date.now().toString(36);
    const pairs: { sender: Peer; receiver: Peer }[] = [];
    for (let i = 0; i < PAIRS; i++) {
      pairs.push({ sender: await peer(`cs${i}_${run}`, port), receiver: await peer(`cr${i}_${run}`, port) });
    }
    await Promise.all(peers.map((p) => p.client.connect()));

    const results: Promise<SendC2CResult>[][] = pairs.map(() => []);
    const sending = pairs.map(async ({ sender, receiver }, i) => {
      for (let n = 1; n <= PER_SENDER; n++) {
        results[i]!.push(sender.client.sendC2C({ toUserId: receiver.userId, content: `${i}:${n}` }));
        await sleep(10 + Math.random() * 40);
      }
    });
    const cutting = (async () => {
      for (let round = 0; round < 6; round++) {
        await sleep(400 + Math.random() * 400);
        for (const p of peers) if (Math.random() < 0.4) p.proxy.cutAll();
        if (round === 3) await hub.restart();
      }
    })();
    await Promise.all([...sending, cutting]);
    const accepted = await Promise.all(results.map((r) => Promise.all(r)));
    chaos = false;

    for (const [i, { receiver }] of pairs.entries()) {
      const wanted = new Set(accepted[i]!.map((r) => r.msgId));
      await vi.waitFor(
        () => expect(new Set(receiver.seen.map((m) => m.msgId).filter((id) => wanted.has(id))).size).toBe(wanted.size),
        { timeout: 60_000, interval: 100 },
      );
    }
    // Replays and late syncs must be dropped as duplicates, not shown.
    await sleep(1500);

    const verdict = pairs.map(({ sender, receiver }, i) => {
      const bySeq = new Map(accepted[i]!.map((r) => [r.seq, r.msgId]));
      const delivered = receiver.seen.filter((m) => m.fromUserId === sender.userId);
      const ids = delivered.map((m) => m.msgId);
      let outOfOrder = 0;
      for (let k = 1; k < delivered.length; k++) if (delivered[k]!.seq <= delivered[k - 1]!.seq) outOfOrder++;
      return {
        missing: [...bySeq.values()].filter((id) => !ids.includes(id)).length,
        duplicated: ids.length - new Set(ids).size,
        outOfOrder,
        pending: sender.client.pendingSends,
      };
    });
    const total = verdict.reduce(
      (a, v) => ({
        missing: a.missing + v.missing,
        duplicated: a.duplicated + v.duplicated,
        outOfOrder: a.outOfOrder + v.outOfOrder,
        pending: a.pending + v.pending,
      }),
      { missing: 0, duplicated: 0, outOfOrder: 0, pending: 0 },
    );
    const cuts = peers.reduce((n, p) => n + p.proxy.cuts, 0);
    console.log(`[figure] chaos: ${PAIRS * PER_SENDER} accepted, ${cuts} cuts, worst loop stall ${Math.round(watchdog.worstStallMs)} ms`, total);
    expect(total).toEqual({ missing: 0, duplicated: 0, outOfOrder: 0, pending: 0 });
    expect(accepted.flat()).toHaveLength(PAIRS * PER_SENDER);
    expect(cuts).toBeGreaterThan(PAIRS * 2);
    expect(watchdog.worstStallMs).toBeLessThan(1000);
  });
});
