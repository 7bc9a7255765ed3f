import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImChatClient } from "../../src/index.js";
import { devToken, HubProcess } from "../support/HubProcess.js";

// The SDK's default browser storage (IndexedDB) and tab coordination (Web Locks), in Debian's Chromium
// against the real hub: a send queued offline survives a reload and is sent once; two tabs of one user
// neither lose nor double each other's sends; a reload does not hand over a seen message again.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));
const hub = new HubProcess();
let browser: Browser;
let pageScript = "";
const contexts: BrowserContext[] = [];
const clients: ImChatClient[] = [];

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(here, "sdkPage.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    logLevel: "warning",
  });
  pageScript = bundle.outputFiles[0]?.text ?? "";
  await hub.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.stop().catch(() => {});
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await hub.stop();
});

/** A browser profile (one origin's IndexedDB and locks) whose /sdk-test/ pages come from the test, not the network. */
async function newProfile(): Promise<BrowserContext> {
  const context = await browser.newContext();
  contexts.push(context);
  // Served by the test, so a reload works while the context is offline (as a cached app shell would).
  await context.route(`${hub.url}/sdk-test/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.endsWith("/sdk.js")) return route.fulfill({ contentType: "text/javascript", body: pageScript });
    return route.fulfill({ contentType: "text/html", body: '<!doctype html><title>sdk</title><script type="module" src="/sdk-test/sdk.js"></script>' });
  });
  return context;
}

/** SendC2C invocations each page put on the wire, whatever reloads happen: the count of real sends. */
const sendFrames: string[] = [];
async function openTab(context: BrowserContext, userId: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[${userId}] page error`, e));
  // Counted on whichever transport SignalR picked: WebSocket frames, or the POST bodies of long polling.
  const count = (text: string): void => {
    if (text.includes('"target":"SendC2C"')) sendFrames.push(text);
  };
  page.on("websocket", (ws) => ws.on("framesent", (f) => count(typeof f.payload === "string" ? f.payload : f.payload.toString("utf8"))));
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/hubs/chat")) count(r.postData() ?? "");
  });
  await page.goto(`${hub.url}/sdk-test/?user=${userId}`);
  await waitConnected(page);
  return page;
}

const state = (p: Page) => p.evaluate(() => (globalThis as any).im?.state() as string | undefined);
const pending = (p: Page) => p.evaluate(() => (globalThis as any).im?.pending() as number | undefined);
const received = (p: Page) => p.evaluate(() => (globalThis as any).im?.received as string[] | undefined);
const sentEvents = (p: Page) => p.evaluate(() => (globalThis as any).im?.sent as { content: string; duplicate: boolean }[] | undefined);
const settled = (p: Page, id: string) => p.evaluate((i) => (globalThis as any).im?.settled[i] as string | undefined, id);
const send = (p: Page, to: string, text: string) => p.evaluate(([t, c]) => (globalThis as any).im.send(t, c) as string, [to, text] as const);
const framesWith = (text: string) => sendFrames.filter((f) => f.includes(`"content":"${text}"`)).length;

async function waitConnected(page: Page): Promise<void> {
  await expect.poll(() => state(page), { timeout: 30_000, interval: 100 }).toBe("connected");
}

async function goOffline(context: BrowserContext, pages: Page[]): Promise<void> {
  await context.setOffline(true);
  for (const p of pages) await expect.poll(() => state(p), { timeout: 60_000, interval: 250 }).not.toBe("connected");
}

/** The peer's copy of the conversation, read from the hub: how often each text was stored. */
async function storedTexts(peer: ImChatClient, userId: string): Promise<string[]> {
  const page = await peer.getHistory(peer.chatIdWith(userId), undefined, 200);
  return page.messages.map((m) => m.content);
}

async function peerClient(userId: string): Promise<ImChatClient> {
  const token = await devToken(hub.url, userId);
  const client = new ImChatClient({ url: hub.url, userId, accessTokenFactory: () => token });
  clients.push(client);
  await client.connect();
  return client;
}

describe("IndexedDB storage and tab coordination in Chromium", () => {
  it("IndexedDbClientStorage keeps the outbox in order per user, raises cursors only, bounds the dedupe window, and survives a reload", async () => {
    const profile = await newProfile();
    const page = await profile.newPage();
    await page.goto(`${hub.url}/sdk-test/?user=`);
    const write = () =>
      page.evaluate(async () => {
        const s = new (globalThis as any).IndexedDbClientStorage({ databaseName: "contract" });
        const entry = (id: string, order: number) => ({ request: { clientMsgId: id, toUserId: "bob", content: id, msgFormat: 1 }, order, queuedAt: 1 });
        await s.putOutbox("alice", entry("c", 3));
        await s.putOutbox("alice", entry("a", 1));
        await s.putOutbox("alice", entry("b", 2));
        await s.putOutbox("carol", entry("z", 1));
        await s.deleteOutbox("alice", "b");
        await s.saveCursor("alice", "chat", 7);
        await s.saveCursor("alice", "chat", 5);
        await s.saveSeen("alice", ["m1", "m2", "m3"], 3);
        await s.saveSeen("alice", ["m4"], 3);
        s.close();
      });
    const read = () =>
      page.evaluate(async () => {
        const s = new (globalThis as any).IndexedDbClientStorage({ databaseName: "contract" });
        const result = {
          outbox: (await s.loadOutbox("alice")).map((e: any) => e.request.clientMsgId),
          carol: (await s.loadOutbox("carol")).length,
          cursors: await s.loadCursors("alice"),
          seen: await s.loadSeen("alice", 10),
          seenTwo: await s.loadSeen("alice", 2),
        };
        s.close();
        return result;
      });
    await write();
    const expected = { outbox: ["a", "c"], carol: 1, cursors: { chat: 7 }, seen: ["m2", "m3", "m4"], seenTwo: ["m3", "m4"] };
    expect(await read()).toEqual(expected);
    await page.reload();
    expect(await read()).toEqual(expected);
  });

  it("a send queued offline survives a reload and is sent once when the page is back online; seen messages stay seen", async () => {
    const bob = await peerClient("bob_idb");
    await bob.sendC2C({ toUserId: "alice_idb", content: "before the reload" });
    const profile = await newProfile();
    const alice = await openTab(profile, "alice_idb");
    await expect.poll(() => received(alice), { timeout: 15_000 }).toEqual(["before the reload"]);

    await goOffline(profile, [alice]);
    await send(alice, "bob_idb", "queued offline");
    await expect.poll(() => pending(alice)).toBe(1);

    // Reloaded while offline: the new page finds the entry in IndexedDB before it can connect.
    await alice.reload();
    await expect.poll(() => pending(alice), { timeout: 15_000 }).toBe(1);
    await profile.setOffline(false);
    await waitConnected(alice);
    await expect.poll(() => pending(alice), { timeout: 30_000 }).toBe(0);

    await expect.poll(() => storedTexts(bob, "alice_idb"), { timeout: 15_000 }).toEqual(["before the reload", "queued offline"]);
    expect(framesWith("queued offline")).toBe(1);
    expect(await sentEvents(alice)).toEqual([expect.objectContaining({ content: "queued offline", duplicate: false })]);
    // bob's message is still undelivered on the server (no auto-ack), yet the reloaded page does not hand it over again.
    await alice.evaluate(() => new Promise((r) => setTimeout(r, 1000)));
    expect(await received(alice)).toEqual(["queued offline"]);
  });

  it("two tabs of one user: sends queued offline in both, the leader tab reloads, each message is sent once and both promises settle", async () => {
    const bob = await peerClient("bob_tabs");
    const profile = await newProfile();
    const first = await openTab(profile, "alice_tabs");
    const second = await openTab(profile, "alice_tabs");

    await goOffline(profile, [first, second]);
    await send(first, "bob_tabs", "from the first tab");
    const secondId = await send(second, "bob_tabs", "from the second tab");
    await expect.poll(() => pending(first)).toBeGreaterThanOrEqual(1);
    await expect.poll(() => pending(second)).toBeGreaterThanOrEqual(1);

    // The first tab (the leader: it asked for the lock first) reloads; the second takes over.
    await first.reload();
    await profile.setOffline(false);
    await waitConnected(first);
    await waitConnected(second);

    await expect
      .poll(async () => (await storedTexts(bob, "alice_tabs")).sort(), { timeout: 30_000 })
      .toEqual(["from the first tab", "from the second tab"]);
    await expect.poll(() => settled(second, secondId), { timeout: 15_000 }).toBe("sent");
    await expect.poll(async () => (await pending(first)) === 0 && (await pending(second)) === 0, { timeout: 15_000 }).toBe(true);
    expect(framesWith("from the first tab")).toBe(1);
    expect(framesWith("from the second tab")).toBe(1);
    const allSent = [...((await sentEvents(first)) ?? []), ...((await sentEvents(second)) ?? [])];
    expect(allSent.every((e) => !e.duplicate)).toBe(true);

    // Later sends from either tab still go out once each.
    await send(first, "bob_tabs", "after, first");
    await send(second, "bob_tabs", "after, second");
    await expect.poll(async () => (await storedTexts(bob, "alice_tabs")).length, { timeout: 15_000 }).toBe(4);
    expect(framesWith("after, first")).toBe(1);
    expect(framesWith("after, second")).toBe(1);
  });
});
