import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConnectionState } from "../../src/HubTransport.js";
import { ImChatClient } from "../../src/ImChatClient.js";
import type { MessageDto } from "../../src/models.js";
import { devToken, HubProcess } from "../support/HubProcess.js";
import { TcpProxy } from "../support/TcpProxy.js";

// Acceptance (issue 8): 1,000 messages, the receiver's socket dropped twice mid-stream, and the app
// callback sees each message exactly once in seq order.
const TOTAL = 1000;
// The sender is not what is tested here: lift the per-connection send rate limit so the run is quick.
const hub = new HubProcess({ Im__Limits__SendsPerSecond: "5000", Im__Limits__SendBurst: "5000" });
let proxy: TcpProxy;
const clients: ImChatClient[] = [];

beforeAll(async () => {
  await hub.start();
  const port = Number(new URL(hub.url).port);
  proxy = new TcpProxy("127.0.0.1", port);
  await proxy.start();
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop().catch(() => {})));
  await proxy?.stop();
  await hub.stop();
});

describe.each(["json", "messagepack"] as const)("receiver over %s behind a proxy that drops it twice", (protocol) => {
  it(`sees ${TOTAL} messages exactly once in seq order`, async () => {
    const sender = `s_${protocol}`;
    const receiver = `r_${protocol}`;
    const alice = new ImChatClient({ url: hub.url, userId: sender, accessTokenFactory: () => devToken(hub.url, sender), protocol });
    const bob = new ImChatClient({
      url: proxy.url,
      userId: receiver,
      accessTokenFactory: () => devToken(hub.url, receiver),
      protocol,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    clients.push(alice, bob);
    const seen: MessageDto[] = [];
    const states: ConnectionState[] = [];
    bob.on("message", (m) => seen.push(m));
    bob.on("connectionState", (s) => states.push(s));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all([alice.connect(), bob.connect()]),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("not connected within 20 s")), 20_000))),
    ]).finally(() => clearTimeout(timer));

    const cutsBefore = proxy.cuts;
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= TOTAL; i++) sends.push(alice.sendC2C({ toUserId: receiver, content: `m${i}` }));

    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(300), { timeout: 60_000, interval: 5 });
    proxy.cutAll();
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(650), { timeout: 60_000, interval: 5 });
    proxy.cutAll();

    await Promise.all(sends);
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(TOTAL), { timeout: 60_000, interval: 20 });
    // Let the server's first replay round (5 s after acceptance) pass: replays must be dropped as duplicates.
    await new Promise((r) => setTimeout(r, 6000));

    expect(proxy.cuts - cutsBefore).toBe(2);
    expect(states.filter((s) => s === "reconnecting").length).toBeGreaterThanOrEqual(2);
    expect(seen).toHaveLength(TOTAL);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(seen.map((m) => m.content)).toEqual(Array.from({ length: TOTAL }, (_, i) => `m${i + 1}`));
    expect(new Set(seen.map((m) => m.msgId)).size).toBe(TOTAL);
  });
});
