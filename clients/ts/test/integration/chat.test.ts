import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ImChatClient } from "../../src/ImChatClient.js";
import type { MessageDto, MessageStatusEvent, SendC2CResult } from "../../src/models.js";
import { devToken, HubProcess } from "../support/HubProcess.js";

// Two SDK clients under Node against the real hub, once per hub protocol.
const hub = new HubProcess();
const started: ImChatClient[] = [];

beforeAll(async () => {
  await hub.start();
}, 90_000);

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop().catch(() => {})));
  await hub.stop();
});

/** Connects or fails within 20 s (the SDK itself would retry forever, e.g. on an unsupported protocol). */
async function connected(...clients: ImChatClient[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("not connected within 20 s (see the SignalR log above)")), 20_000);
  });
  try {
    await Promise.race([Promise.all(clients.map((c) => c.connect())), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function user(userId: string, protocol: "json" | "messagepack") {
  const client = new ImChatClient({
    url: hub.url,
    userId,
    protocol,
    accessTokenFactory: () => devToken(hub.url, userId),
    ackIntervalMs: 50,
  });
  started.push(client);
  const messages: MessageDto[] = [];
  const statuses: MessageStatusEvent[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("status", (s) => statuses.push(s));
  return { client, messages, statuses };
}

describe.each(["json", "messagepack"] as const)("two clients over %s", (protocol) => {
  const a = `alice_${protocol}`;
  const b = `bob_${protocol}`;

  it("chat, get Delivered and Read ticks, and see unread counts", async () => {
    const alice = user(a, protocol);
    const bob = user(b, protocol);
    await connected(alice.client, bob.client);
    await Promise.all([alice.client.waitForSync(), bob.client.waitForSync()]).catch(() => {});

    const sent: SendC2CResult[] = [];
    for (const text of ["hello", "how are you?", "third"]) sent.push(await alice.client.sendC2C({ toUserId: b, content: text }));
    expect(sent.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(sent.every((r) => /^\d+$/.test(r.msgId) && r.duplicate === false)).toBe(true);

    await vi.waitFor(() => expect(bob.messages.map((m) => m.content)).toEqual(["hello", "how are you?", "third"]), { timeout: 10_000 });
    expect(bob.messages.map((m) => m.fromUserId)).toEqual([a, a, a]);
    await vi.waitFor(() => expect(new Set(alice.statuses.filter((s) => s.status === "Delivered").map((s) => s.msgId)).size).toBe(3), {
      timeout: 10_000,
    });

    const bobView = await bob.client.getConversations();
    expect(bobView.find((c) => c.chatId === sent[0]!.chatId)?.unread).toBe(3);

    await bob.client.markRead(sent[0]!.chatId, 3);
    await vi.waitFor(() => expect(new Set(alice.statuses.filter((s) => s.status === "Read").map((s) => s.msgId)).size).toBe(3), {
      timeout: 10_000,
    });
    const after = await bob.client.getConversations();
    expect(after.find((c) => c.chatId === sent[0]!.chatId)).toMatchObject({ unread: 0, readSeq: 3, lastSeq: 3, peerUserId: a });

    // bob answers; alice sees it, and her own sends are in her timeline too, in seq order.
    await bob.client.sendC2C({ toUserId: a, content: "fine" });
    await vi.waitFor(() => expect(alice.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]), { timeout: 10_000 });
    expect(alice.messages.at(-1)?.content).toBe("fine");
  });

  it("pages history backwards in ascending pages", async () => {
    const alice = user(`${a}_h`, protocol);
    await connected(alice.client);
    for (let i = 1; i <= 5; i++) await alice.client.sendC2C({ toUserId: `${b}_h`, content: `h${i}` });
    const chatId = alice.client.chatIdWith(`${b}_h`);
    const newest = await alice.client.getHistory(chatId, undefined, 2);
    expect(newest.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(newest.hasMore).toBe(true);
    const older = await alice.client.getHistory(chatId, 4, 10);
    expect(older.messages.map((m) => m.content)).toEqual(["h1", "h2", "h3"]);
    expect(older.hasMore).toBe(false);
  });

  it("rejects bad input with a typed, non-retriable error and keeps the connection", async () => {
    const alice = user(`${a}_e`, protocol);
    await connected(alice.client);
    await expect(alice.client.sendC2C({ toUserId: `${b}_e`, content: "x".repeat(9000) })).rejects.toMatchObject({
      name: "ImError",
      code: "IM_CONTENT_TOO_LARGE",
      retriable: false,
    });
    await expect(alice.client.sendC2C({ toUserId: "not valid!", content: "x" })).rejects.toMatchObject({ retriable: false });
    await expect(alice.client.sendC2C({ toUserId: `${b}_e`, content: "still connected" })).resolves.toMatchObject({ seq: 1 });
    expect(alice.client.connectionState).toBe("connected");
  });

  it("answers a resend of the same clientMsgId with the first result", async () => {
    const alice = user(`${a}_d`, protocol);
    await connected(alice.client);
    const first = await alice.client.sendC2C({ toUserId: `${b}_d`, content: "once", clientMsgId: `dup-${protocol}` });
    const again = await alice.client.sendC2C({ toUserId: `${b}_d`, content: "once", clientMsgId: `dup-${protocol}` });
    expect(again).toMatchObject({ msgId: first.msgId, seq: first.seq, duplicate: true });
  });
});

describe.each(["json", "messagepack"] as const)("blocking, typing and presence over %s", (protocol) => {
  it("blocks and unblocks, sees the peer typing once per burst, and reads presence of contacts only", async () => {
    const a = `alice_bt_${protocol}`;
    const b = `bob_bt_${protocol}`;
    const alice = user(a, protocol);
    const bob = user(b, protocol);
    const typing: { chatId: string; userId: string }[] = [];
    bob.client.on("typing", (t) => typing.push(t));
    await connected(alice.client, bob.client);
    await alice.client.sendC2C({ toUserId: b, content: "hi" });

    for (let i = 0; i < 20; i++) alice.client.typing(alice.client.chatIdWith(b));
    await vi.waitFor(() => expect(typing).toEqual([{ chatId: alice.client.chatIdWith(b), userId: a }]));

    const presence = await alice.client.getPresence([b, "stranger_x"]);
    expect(presence.map((p) => [p.userId, p.online])).toEqual([[b, true], ["stranger_x", false]]);

    expect(await bob.client.block(a)).toEqual({ userId: a, blocked: true });
    expect(await bob.client.getBlockedUsers()).toEqual([a]);
    await expect(alice.client.sendC2C({ toUserId: b, content: "blocked?" })).rejects.toMatchObject({ code: "IM_BLOCKED" });
    expect(await bob.client.unblock(a)).toEqual({ userId: a, blocked: false });
    const after = await alice.client.sendC2C({ toUserId: b, content: "after" });
    await vi.waitFor(() => expect(bob.messages.map((m) => m.content)).toEqual(["hi", "after"]));

    const recalls: { msgId: string; byUserId: string }[] = [];
    bob.client.on("recalled", (r) => recalls.push({ msgId: r.msgId, byUserId: r.byUserId }));
    expect(await alice.client.recall(after.msgId)).toMatchObject({ msgId: after.msgId, seq: after.seq });
    await vi.waitFor(() => expect(recalls).toEqual([{ msgId: after.msgId, byUserId: a }]));
    const history = await bob.client.getHistory(after.chatId);
    expect(history.messages.map((m) => [m.content, m.recalled])).toEqual([["hi", false], ["", true]]);
  }, 30_000);
});
