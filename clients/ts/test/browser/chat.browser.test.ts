import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubProcess } from "../support/HubProcess.js";

// The demo page served by the real hub, driven in Debian's Chromium: two users chat, one goes offline
// and comes back and sees everything, and the sender's ticks go sent → delivered → read.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results");
const hub = new HubProcess();
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await hub.start();
  // launch() gives the browser a new, temporary user-data-dir of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await hub.stop();
});

async function signIn(userId: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[${userId}] page error`, e));
  await page.goto(hub.url + "/");
  await page.fill("#user-id", userId);
  await page.click("#sign-in");
  await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 20_000 });
  return { context, page };
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill("#composer-input", text);
  await page.click("#send");
}

const texts = (page: Page) => page.$$eval("#message-list .msg .text", (els) => els.map((e) => e.textContent ?? ""));
const myStatuses = (page: Page) => page.$$eval("#message-list .msg.mine", (els) => els.map((e) => (e as HTMLElement).dataset["status"] ?? ""));

describe("demo page in Chromium", () => {
  it("two users chat; the receiver goes offline, comes back, sees everything; ticks update", async () => {
    const alice = await signIn("alice_web");
    const bob = await signIn("bob_web");

    // alice opens a new chat with bob and writes.
    await alice.page.fill("#new-peer", "bob_web");
    await alice.page.click("#start-chat");
    await send(alice.page, "Hello Bob!");

    // bob sees the conversation with one unread, opens it, reads it.
    const bobConv = bob.page.locator('.conv[data-peer="alice_web"]');
    await expect.poll(() => bobConv.locator(".unread").textContent().catch(() => null), { timeout: 15_000 }).toBe("1");
    await bobConv.click();
    await expect.poll(() => texts(bob.page), { timeout: 15_000 }).toEqual(["Hello Bob!"]);
    await expect.poll(() => myStatuses(alice.page), { timeout: 15_000 }).toEqual(["read"]);

    // bob goes offline; alice writes three more: sent, not delivered.
    await bob.context.setOffline(true);
    await expect
      .poll(() => bob.page.getAttribute("#conn-state", "data-state"), { timeout: 60_000, interval: 250 })
      .not.toBe("connected");
    for (const t of ["While you were away 1", "While you were away 2", "While you were away 3"]) await send(alice.page, t);
    await expect.poll(() => myStatuses(alice.page), { timeout: 15_000 }).toEqual(["read", "sent", "sent", "sent"]);

    // bob comes back: everything arrives once and in order, and alice's ticks turn to read.
    await bob.context.setOffline(false);
    await bob.page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 60_000 });
    await expect
      .poll(() => texts(bob.page), { timeout: 30_000 })
      .toEqual(["Hello Bob!", "While you were away 1", "While you were away 2", "While you were away 3"]);
    await expect.poll(() => myStatuses(alice.page), { timeout: 30_000 }).toEqual(["read", "read", "read", "read"]);

    // bob answers; alice sees it.
    await send(bob.page, "Back now!");
    await expect.poll(async () => (await texts(alice.page)).at(-1), { timeout: 15_000 }).toBe("Back now!");

    mkdirSync(resultsDir, { recursive: true });
    await alice.page.screenshot({ path: join(resultsDir, "chat.png") });
    await bob.page.screenshot({ path: join(resultsDir, "chat-bob.png") });
  });

  it("shows typing, online dots, and a recall as a placeholder on both sides, also after a reload", async () => {
    const erin = await signIn("erin_web");
    const frank = await signIn("frank_web");
    await erin.page.fill("#new-peer", "frank_web");
    await erin.page.click("#start-chat");
    await send(erin.page, "secret plan");
    await send(erin.page, "see you at 5");
    const frankConv = frank.page.locator('.conv[data-peer="erin_web"]');
    await frankConv.click();
    await expect.poll(() => texts(frank.page), { timeout: 15_000 }).toEqual(["secret plan", "see you at 5"]);

    // They share a conversation now: each sees the other online.
    await expect.poll(() => frank.page.getAttribute("#chat-online", "data-online"), { timeout: 20_000 }).toBe("true");
    const erinDot = erin.page.locator('.conv[data-peer="frank_web"] .dot');
    await expect.poll(() => erinDot.getAttribute("data-online"), { timeout: 20_000 }).toBe("true");

    // frank types: erin sees "typing…" in the header and the list, and it goes away by itself.
    await frank.page.type("#composer-input", "ok", { delay: 50 });
    await expect.poll(() => erin.page.isVisible("#chat-typing"), { timeout: 10_000 }).toBe(true);
    expect(await erin.page.locator('.conv[data-peer="frank_web"] .preview').textContent()).toBe("typing…");
    await expect.poll(() => erin.page.isVisible("#chat-typing"), { timeout: 10_000 }).toBe(false);

    // erin recalls her first message: both sides show the placeholder, the second message stays.
    await erin.page.locator("#message-list .msg.mine").first().locator(".recall").click();
    await expect.poll(() => texts(erin.page), { timeout: 15_000 }).toEqual(["You recalled this message", "see you at 5"]);
    await expect.poll(() => texts(frank.page), { timeout: 15_000 }).toEqual(["This message was recalled", "see you at 5"]);
    expect(await frank.page.$$eval('#message-list .msg[data-recalled="true"]', (els) => els.length)).toBe(1);
    // A recalled message offers no second recall.
    expect(await erin.page.locator("#message-list .msg.mine").first().locator(".recall").count()).toBe(0);

    // After a reload the server's copy is the placeholder: the content is gone from the store.
    await frank.page.reload();
    await frank.page.fill("#user-id", "frank_web");
    await frank.page.click("#sign-in");
    await frank.page.waitForSelector('#conn-state[data-state="connected"]');
    await frank.page.locator('.conv[data-peer="erin_web"]').click();
    await expect.poll(() => texts(frank.page), { timeout: 15_000 }).toEqual(["This message was recalled", "see you at 5"]);

    // frank leaves: erin's dot turns grey at the next presence poll.
    await frank.context.close();
    await expect.poll(() => erinDot.getAttribute("data-online"), { timeout: 40_000, interval: 500 }).toBe("false");
    await erin.page.screenshot({ path: join(resultsDir, "chat-recall.png") });
  });

  it("pages older history with the load-older button", async () => {
    const carol = await signIn("carol_web");
    await carol.page.fill("#new-peer", "dave_web");
    await carol.page.click("#start-chat");
    for (let i = 1; i <= 35; i++) await send(carol.page, `n${i}`);
    await expect.poll(async () => (await texts(carol.page)).length, { timeout: 30_000 }).toBe(35);
    // A fresh page load shows the newest 30, then the button loads the rest.
    await carol.page.reload();
    await carol.page.fill("#user-id", "carol_web");
    await carol.page.click("#sign-in");
    await carol.page.waitForSelector('#conn-state[data-state="connected"]');
    await carol.page.locator('.conv[data-peer="dave_web"]').click();
    await expect.poll(async () => (await texts(carol.page)).length, { timeout: 15_000 }).toBe(30);
    await carol.page.click("#load-older");
    await expect.poll(() => texts(carol.page), { timeout: 15_000 }).toEqual(Array.from({ length: 35 }, (_, i) => `n${i + 1}`));
    expect(await carol.page.isHidden("#load-older")).toBe(true);
  });
});
