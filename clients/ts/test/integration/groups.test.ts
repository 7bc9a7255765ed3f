import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BackoffRetryPolicy } from "../../src/BackoffRetryPolicy.js";
import { ImChatClient } from "../../src/ImChatClient.js";
import { SignalRHubTransport } from "../../src/SignalRHubTransport.js";
import type { GroupReadEvent, MessageDto, SendC2CResult } from "../../src/models.js";
import { devToken, HubProcess } from "../support/HubProcess.js";
import { LossyTransport } from "../support/LossyTransport.js";
import { TcpProxy } from "../support/TcpProxy.js";

// Group chat (SPEC §10) with the SDK under Node against the real hub, once per hub protocol: three members, each
// sees every message once and in seq order — also the one behind a proxy that cuts its socket mid-stream, which
// recovers by syncing the group — and read acks move the sender's receipts.
const PER_SENDER = 40;
const hub = new HubProcess({ Im__Limits__SendsPerSecond: "5000", Im__Limits__SendBurst: "5000" });
let proxy: TcpProxy;
const started: ImChatClient[] = [];

beforeAll(async () => {
  await hub.start();
  proxy = new TcpProxy("127.0.0.1", Number(new URL(hub.url).port));
  await proxy.start();
}, 90_000);

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop().catch(() => {})));
  await proxy?.stop();
  await hub.stop();
});

async function connected(...clients: ImChatClient[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("not connected within 20 s")), 20_000)));
  try {
    await Promise.race([Promise.all(clients.map((c) => c.connect())), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function member(userId: string, protocol: "json" | "messagepack", behindProxy = false) {
  const client = new ImChatClient({
    url: behindProxy ? proxy.url : hub.url,
    userId,
    protocol,
    accessTokenFactory: () => devToken(hub.url, userId),
    ackIntervalMs: 50,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
  });
  started.push(client);
  const messages: MessageDto[] = [];
  const reads: GroupReadEvent[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("groupRead", (e) => reads.push(e));
  return { client, messages, reads };
}

const inChat = (ms: MessageDto[], chatId: string) => ms.filter((m) => m.chatId === chatId);

/** A member whose connection stays up but loses every 9th ReceiveGroup push (a lost backplane publish). */
function lossyMember(userId: string, protocol: "json" | "messagepack") {
  const transport = new LossyTransport(
    new SignalRHubTransport({ url: hub.url, accessTokenFactory: () => devToken(hub.url, userId), protocol, retryPolicy: new BackoffRetryPolicy() }),
    "ReceiveGroup",
    (n) => n % 9 === 0,
  );
  // A short tail check, so a lost last push is found within the test.
  const client = new ImChatClient({ url: hub.url, userId, protocol, accessTokenFactory: () => devToken(hub.url, userId), transport, ackIntervalMs: 50, groupTailCheckMs: 500 });
  started.push(client);
  const messages: MessageDto[] = [];
  client.on("message", (m) => messages.push(m));
  return { client, messages, transport };
}

describe.each(["json", "messagepack"] as const)("a group of three over %s", (protocol) => {
  it("everyone gets each message once in seq order: one member behind a dropping socket, one losing pushes (gap sync)", async () => {
    const [a, b, c] = [`ga_${protocol}`, `gb_${protocol}`, `gc_${protocol}`];
    const alice = member(a, protocol);
    const bob = member(b, protocol);
    const carol = member(c, protocol, true);
    const dave = lossyMember(`gd_${protocol}`, protocol);
    await connected(alice.client, bob.client, carol.client, dave.client);

    const group = await alice.client.createGroup(`trip ${protocol}`, [b, c, `gd_${protocol}`]);
    expect(group).toMatchObject({ chatId: `grp:${group.groupId}`, ownerId: a, memberCount: 4 });
    expect(typeof group.createdAt).toBe("number");
    expect((await bob.client.getGroups()).map((g) => g.groupId)).toContain(group.groupId);
    const members = await carol.client.getGroupMembers(group.groupId);
    expect(members.members.map((m) => [m.userId, m.role]).sort()).toEqual([[a, "owner"], [b, "member"], [c, "member"], [`gd_${protocol}`, "member"]].sort());

    // alice and bob send at the same time; carol's socket is cut twice while they do.
    const cutsBefore = proxy.cuts;
    const sends: Promise<SendC2CResult>[] = [];
    for (let i = 1; i <= PER_SENDER; i++) {
      sends.push(alice.client.sendGroup({ groupId: group.groupId, content: `a${i}` }));
      sends.push(bob.client.sendGroup({ groupId: group.groupId, content: `b${i}`, ...(i === 1 ? { mentions: [c] } : {}) }));
    }
    await vi.waitFor(() => expect(inChat(carol.messages, group.chatId).length).toBeGreaterThanOrEqual(20), { timeout: 30_000, interval: 5 });
    proxy.cutAll();
    await vi.waitFor(() => expect(inChat(carol.messages, group.chatId).length).toBeGreaterThanOrEqual(50), { timeout: 30_000, interval: 5 });
    proxy.cutAll();
    const results = await Promise.all(sends);
    expect(proxy.cuts - cutsBefore).toBe(2);
    expect(results.every((r) => r.chatId === group.chatId && !r.duplicate)).toBe(true);

    const sentIds = new Set(results.map((r) => r.msgId));
    const maxSeq = Math.max(...results.map((r) => r.seq));
    for (const u of [alice, bob, carol, dave]) {
      await vi.waitFor(() => expect(inChat(u.messages, group.chatId).filter((m) => sentIds.has(m.msgId))).toHaveLength(2 * PER_SENDER), {
        timeout: 30_000,
        interval: 20,
      });
      const got = inChat(u.messages, group.chatId);
      // Once each (no msgId twice), in strictly increasing seq order, up to the last send.
      expect(new Set(got.map((m) => m.msgId)).size).toBe(got.length);
      const seqs = got.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs.at(-1)).toBe(maxSeq);
      // Each sender's messages keep their send order.
      const mine = (prefix: string) => got.filter((m) => m.content.startsWith(prefix) && sentIds.has(m.msgId)).map((m) => m.content);
      expect(mine("a")).toEqual(Array.from({ length: PER_SENDER }, (_, i) => `a${i + 1}`));
      expect(mine("b")).toEqual(Array.from({ length: PER_SENDER }, (_, i) => `b${i + 1}`));
      expect(got.filter((m) => sentIds.has(m.msgId)).every((m) => m.groupId === group.groupId && m.toUserId == null)).toBe(true);
      expect(u.client.lastSeq(group.chatId)).toBe(maxSeq);
    }
    // dave lost pushes on a live connection: each gap was filled by a sync of the group from his cursor.
    expect(dave.transport.dropped).toBeGreaterThanOrEqual(5);
    expect(dave.transport.calls.filter((x) => x.method === "SyncMessages" && (x.arg as { chatId?: string }).chatId === group.chatId).length).toBeGreaterThanOrEqual(1);
    // Mentions survive the push and the sync that carol caught up with after the cuts.
    expect(inChat(carol.messages, group.chatId).find((m) => m.content === "b1")?.mentions).toEqual([c]);
  });

  it("a read ack raises the reader's cursor: the sender gets GroupRead and receipts name the reader", async () => {
    const [a, b, c] = [`ra_${protocol}`, `rb_${protocol}`, `rc_${protocol}`];
    const alice = member(a, protocol);
    const bob = member(b, protocol);
    const carol = member(c, protocol);
    await connected(alice.client, bob.client, carol.client);
    const group = await alice.client.createGroup("receipts", [b, c]);
    await alice.client.sendGroup({ groupId: group.groupId, content: "one" });
    const last = await alice.client.sendGroup({ groupId: group.groupId, content: "two" });
    await vi.waitFor(() => expect(inChat(bob.messages, group.chatId).some((m) => m.msgId === last.msgId)).toBe(true), { timeout: 15_000 });

    await bob.client.markRead(group.chatId, last.seq);
    expect(bob.client.readSeq(group.chatId)).toBe(last.seq);
    await vi.waitFor(() => expect(alice.reads).toContainEqual({ chatId: group.chatId, userId: b, readSeq: last.seq }), { timeout: 15_000 });
    const receipts = await alice.client.getGroupReadReceipts(group.chatId, last.seq);
    expect(receipts).toEqual({ readCount: 1, unreadCount: 1, readers: [b] });

    const conversations = await carol.client.getConversations();
    const entry = conversations.find((x) => x.chatId === group.chatId);
    expect(entry).toMatchObject({ groupId: group.groupId, groupName: "receipts" });
    expect(entry?.unread).toBeGreaterThanOrEqual(2);
  });

  it("a removed member gets nothing after the removal, sends are refused, and its catch-ups raise no errors", async () => {
    const [a, b, c] = [`xa_${protocol}`, `xb_${protocol}`, `xc_${protocol}`];
    const alice = member(a, protocol);
    const bob = member(b, protocol);
    const carol = member(c, protocol, true);
    const carolErrors: string[] = [];
    carol.client.on("error", (e) => carolErrors.push(e.code));
    await connected(alice.client, bob.client, carol.client);
    const group = await alice.client.createGroup("shrinking", [b, c]);
    const before = await alice.client.sendGroup({ groupId: group.groupId, content: "before" });
    await vi.waitFor(() => expect(inChat(carol.messages, group.chatId).some((m) => m.msgId === before.msgId)).toBe(true), { timeout: 15_000 });

    expect(await alice.client.removeGroupMembers(group.groupId, [c])).toBe(1);
    const after = await alice.client.sendGroup({ groupId: group.groupId, content: "after" });
    await vi.waitFor(() => expect(inChat(bob.messages, group.chatId).some((m) => m.msgId === after.msgId)).toBe(true), { timeout: 15_000 });
    await expect(carol.client.sendGroup({ groupId: group.groupId, content: "still here?" })).rejects.toMatchObject({ code: "IM_FORBIDDEN" });

    // A reconnect runs a full catch-up: the group must not be synced into a refusal loop.
    const synced = carol.client.waitForSync();
    proxy.cutAll();
    await synced;
    await new Promise((r) => setTimeout(r, 1500));
    expect(inChat(carol.messages, group.chatId).some((m) => m.msgId === after.msgId)).toBe(false);
    expect(carolErrors.filter((code) => code === "IM_FORBIDDEN")).toEqual([]);
    expect((await carol.client.getGroups()).some((g) => g.groupId === group.groupId)).toBe(false);
  });

  it("manages a group: rename, roles, an owner who must transfer before leaving, dismissal; each change a notice in order", async () => {
    const [a, b] = [`ma_${protocol}`, `mb_${protocol}`];
    const alice = member(a, protocol);
    const bob = member(b, protocol);
    await connected(alice.client, bob.client);
    const group = await alice.client.createGroup("first name", [b]);
    expect((await alice.client.updateGroup(group.groupId, "second name")).name).toBe("second name");
    await alice.client.setGroupRole(group.groupId, b, "admin");
    expect((await bob.client.getGroupMembers(group.groupId)).members.find((m) => m.userId === b)?.role).toBe("admin");
    await expect(alice.client.leaveGroup(group.groupId)).rejects.toMatchObject({ code: "IM_OWNER_MUST_TRANSFER" });
    await alice.client.setGroupRole(group.groupId, b, "owner");
    await alice.client.leaveGroup(group.groupId);
    expect((await alice.client.getGroups()).some((g) => g.groupId === group.groupId)).toBe(false);
    await bob.client.dismissGroup(group.groupId);
    await expect(bob.client.sendGroup({ groupId: group.groupId, content: "anyone?" })).rejects.toMatchObject({ code: "IM_GROUP_DISMISSED" });

    // bob saw every change as a system message of the group's own timeline, in seq order.
    const formats = [201, 204, 205, 205, 203, 206];
    await vi.waitFor(() => expect(inChat(bob.messages, group.chatId).map((m) => m.msgFormat)).toEqual(formats), { timeout: 15_000 });
    const seqs = inChat(bob.messages, group.chatId).map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const renamed = JSON.parse(inChat(bob.messages, group.chatId)[1]!.content) as { type: string; actor: string; name: string };
    expect(renamed).toMatchObject({ type: "renamed", actor: a, name: "second name" });
  });

  it("refuses a non-member's send with IM_FORBIDDEN and nothing reaches the group", async () => {
    const [a, x] = [`fa_${protocol}`, `fx_${protocol}`];
    const alice = member(a, protocol);
    const stranger = member(x, protocol);
    await connected(alice.client, stranger.client);
    const group = await alice.client.createGroup("closed", []);
    await expect(stranger.client.sendGroup({ groupId: group.groupId, content: "let me in" })).rejects.toMatchObject({ code: "IM_FORBIDDEN" });
    await expect(stranger.client.getGroupMembers(group.groupId)).rejects.toMatchObject({ code: "IM_FORBIDDEN" });
    const history = await alice.client.getHistory(group.chatId);
    expect(history.messages.some((m) => m.content === "let me in")).toBe(false);
  });
});
