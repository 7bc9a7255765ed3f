import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubProcess } from "../support/HubProcess.js";

// Group chat on the demo page (SPEC §10), served by the real hub and driven in Debian's Chromium: three browser
// contexts chat in one group of four (the fourth member never opens the page), each sees every message once and
// in order, and the sender sees "read by 2 of 3" once the two others have read.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results");
const hub = new HubProcess();
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await hub.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await hub.stop();
});

async function signIn(userId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[${userId}] page error`, e));
  await page.goto(hub.url + "/");
  await page.fill("#user-id", userId);
  await page.click("#sign-in");
  await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 20_000 });
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill("#composer-input", text);
  await page.click("#send");
}

/** Chat bubbles (not membership notices), in the order shown. */
const texts = (page: Page) => page.$$eval("#message-list .msg:not(.system) .text", (els) => els.map((e) => e.textContent ?? ""));
const notices = (page: Page) => page.$$eval("#message-list .msg.system", (els) => els.map((e) => e.textContent ?? ""));
const receipts = (page: Page) => page.$$eval("#message-list .msg.mine .receipt", (els) => els.map((e) => e.textContent ?? ""));

describe("demo page group chat in Chromium", () => {
  it("three people chat in a group, everyone sees each message once in order, and the sender sees who read", async () => {
    const ann = await signIn("ann_grp");
    const ben = await signIn("ben_grp");
    const cat = await signIn("cat_grp");

    // ann creates the group with ben, cat and dan (dan never comes online).
    await ann.fill("#new-group-name", "Weekend trip");
    await ann.fill("#new-group-members", "ben_grp, cat_grp, dan_grp");
    await ann.click("#create-group");
    await expect.poll(() => ann.textContent("#chat-peer"), { timeout: 15_000 }).toBe("Weekend trip");
    await expect.poll(() => ann.textContent("#group-members"), { timeout: 15_000 }).toBe("4 members");
    await send(ann, "Who is in for Saturday?");

    // ben and cat are connected already: the group shows up in their lists by itself, with one unread message.
    for (const page of [ben, cat]) {
      const conv = page.locator('.conv[data-peer="Weekend trip"]');
      await expect.poll(() => conv.locator(".unread").textContent().catch(() => null), { timeout: 20_000 }).toBe("1");
    }
    // Nobody has read it yet.
    await expect.poll(() => receipts(ann), { timeout: 15_000 }).toEqual(["read by 0 of 3"]);

    // ben opens it (reads) and answers.
    await ben.locator('.conv[data-peer="Weekend trip"]').click();
    await expect.poll(() => texts(ben), { timeout: 15_000 }).toEqual(["Who is in for Saturday?"]);
    await expect.poll(() => receipts(ann), { timeout: 15_000 }).toEqual(["read by 1 of 3"]);
    await send(ben, "Me!");

    // cat opens it: both messages, in order; ann's first message is now read by two of the three others.
    await cat.locator('.conv[data-peer="Weekend trip"]').click();
    await expect.poll(() => texts(cat), { timeout: 15_000 }).toEqual(["Who is in for Saturday?", "Me!"]);
    await expect.poll(async () => (await receipts(ann))[0], { timeout: 15_000 }).toBe("read by 2 of 3");
    await send(cat, "Me too, I'll bring the tent");

    const all = ["Who is in for Saturday?", "Me!", "Me too, I'll bring the tent"];
    for (const page of [ann, ben, cat]) await expect.poll(() => texts(page), { timeout: 15_000 }).toEqual(all);
    // The creation notice heads the timeline for everyone.
    for (const page of [ann, ben, cat]) {
      await expect.poll(async () => (await notices(page))[0] ?? "", { timeout: 15_000 }).toMatch(/created the group with/);
    }
    // ann and ben have the group open, so ben's and cat's messages are read at once: their senders see it.
    await expect.poll(async () => (await receipts(ben))[0], { timeout: 15_000 }).toBe("read by 2 of 3");
    await expect.poll(async () => (await receipts(cat))[0], { timeout: 15_000 }).toBe("read by 2 of 3");
    // Others' bubbles name their sender.
    expect(await ann.$$eval("#message-list .msg:not(.mine):not(.system) .from", (els) => els.map((e) => e.textContent))).toEqual(["ben_grp", "cat_grp"]);

    mkdirSync(resultsDir, { recursive: true });
    await ann.screenshot({ path: join(resultsDir, "group-chat.png") });
    await cat.screenshot({ path: join(resultsDir, "group-chat-cat.png") });
  });
});
