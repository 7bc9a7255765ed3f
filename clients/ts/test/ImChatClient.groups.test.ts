import { afterEach, describe, expect, it, vi } from "vitest";
import { ImChatClient } from "../src/ImChatClient.js";
import type { ImChatClientOptions } from "../src/ImChatClientOptions.js";
import { MemoryClientStorage } from "../src/MemoryClientStorage.js";
import type { GroupReadEvent, MessageDto } from "../src/models.js";
import { FakeChatServer } from "./fakes/FakeChatServer.js";
import { FakeTransport } from "./fakes/FakeTransport.js";

const clients: ImChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

function makeClient(server: FakeChatServer, userId: string, storage = new MemoryClientStorage(), extra: Partial<ImChatClientOptions> = {}) {
  const transport = new FakeTransport(server, userId);
  const client = new ImChatClient({
    ...extra,
    url: "http://fake",
    userId,
    accessTokenFactory: () => "token",
    transport,
    storage,
    ackIntervalMs: 20,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  clients.push(client);
  const messages: MessageDto[] = [];
  const reads: GroupReadEvent[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("groupRead", (e) => reads.push(e));
  return { client, transport, messages, reads, storage };
}

async function threeMembers(server: FakeChatServer) {
  const alice = makeClient(server, "alice");
  const bob = makeClient(server, "bob");
  const carol = makeClient(server, "carol");
  await Promise.all([alice.client.connect(), bob.client.connect(), carol.client.connect()]);
  await Promise.all([alice, bob, carol].map((u) => vi.waitFor(() => expect(u.client.connectionState).toBe("connected"))));
  const group = await alice.client.createGroup("trip", ["bob", "carol"]);
  return { alice, bob, carol, group };
}

const contents = (ms: MessageDto[]) => ms.map((m) => m.content);
const inChat = (ms: MessageDto[], chatId: string) => ms.filter((m) => m.chatId === chatId);

describe("ImChatClient in a group", () => {
  it("hands every member each group message once in seq order, the sender's own included", async () => {
    const server = new FakeChatServer();
    const { alice, bob, carol, group } = await threeMembers(server);
    expect(group.chatId).toBe(`grp:${group.groupId}`);
    for (let i = 1; i <= 3; i++) await alice.client.sendGroup({ groupId: group.groupId, content: `a${i}` });
    server.sendGroupAs("bob", { clientMsgId: "b1", groupId: group.groupId, content: "b1" });
    // A re-push of seq 2 (e.g. a second node's copy) must not reach the app twice.
    server.sendGroupAs("carol", { clientMsgId: "c1", groupId: group.groupId, content: "c1" });
    const second = server.messages.find((m) => m.seq === 2 && m.chatId === group.chatId)!;
    bob.transport.deliver("ReceiveGroup", { ...second });
    for (const u of [alice, bob, carol]) {
      await vi.waitFor(() => expect(contents(inChat(u.messages, group.chatId))).toEqual(["a1", "a2", "a3", "b1", "c1"]));
      expect(inChat(u.messages, group.chatId).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    }
    const own = alice.messages[0]!;
    expect(own).toMatchObject({ groupId: group.groupId, toUserId: null, fromUserId: "alice" });
    expect(alice.client.lastSeq(group.chatId)).toBe(5);
  });

  it("keeps a group and a C2C conversation as separate ordered streams", async () => {
    const server = new FakeChatServer();
    const { bob, group } = await threeMembers(server);
    server.sendGroupAs("alice", { clientMsgId: "g1", groupId: group.groupId, content: "g1" });
    server.sendAs("alice", { clientMsgId: "p1", toUserId: "bob", content: "p1" });
    server.sendGroupAs("carol", { clientMsgId: "g2", groupId: group.groupId, content: "g2" });
    server.sendAs("alice", { clientMsgId: "p2", toUserId: "bob", content: "p2" });
    await vi.waitFor(() => expect(bob.messages).toHaveLength(4));
    expect(contents(inChat(bob.messages, group.chatId))).toEqual(["g1", "g2"]);
    expect(contents(inChat(bob.messages, "c2c:alice:bob"))).toEqual(["p1", "p2"]);
  });

  it("fills a gap left by a lost group push with a sync of the group's chat", async () => {
    const server = new FakeChatServer();
    const { bob, group } = await threeMembers(server);
    server.sendGroupAs("alice", { clientMsgId: "g1", groupId: group.groupId, content: "1" });
    server.pushFilter = (to) => to.userId !== "bob";
    server.sendGroupAs("alice", { clientMsgId: "g2", groupId: group.groupId, content: "2" });
    server.sendGroupAs("carol", { clientMsgId: "g3", groupId: group.groupId, content: "3" });
    server.pushFilter = () => true;
    server.sendGroupAs("alice", { clientMsgId: "g4", groupId: group.groupId, content: "4" });
    await vi.waitFor(() => expect(contents(inChat(bob.messages, group.chatId))).toEqual(["1", "2", "3", "4"]));
    const syncs = server.calls.filter((c) => c.userId === "bob" && c.method === "SyncMessages" && (c.arg as { chatId?: string }).chatId === group.chatId);
    expect(syncs.length).toBeGreaterThanOrEqual(1);
    expect((syncs[0]!.arg as { afterSeq: number }).afterSeq).toBe(1);
  });

  it("finds a group's lost last message with the periodic tail check, though no later push reveals the gap", async () => {
    const server = new FakeChatServer();
    const { group } = await threeMembers(server);
    const bob = makeClient(server, "bob", new MemoryClientStorage(), { groupTailCheckMs: 50 });
    await bob.client.connect();
    await vi.waitFor(() => expect(bob.client.connectionState).toBe("connected"));
    server.sendGroupAs("alice", { clientMsgId: "g1", groupId: group.groupId, content: "1" });
    await vi.waitFor(() => expect(contents(inChat(bob.messages, group.chatId))).toEqual(["1"]));
    server.pushFilter = (to) => to !== bob.transport;
    server.sendGroupAs("alice", { clientMsgId: "g2", groupId: group.groupId, content: "2 (push lost)" });
    await vi.waitFor(() => expect(contents(inChat(bob.messages, group.chatId))).toEqual(["1", "2 (push lost)"]), { timeout: 3000 });
    expect(server.calls.some((c) => c.transport === bob.transport && c.method === "SyncMessages" && (c.arg as { chatId?: string }).chatId === group.chatId)).toBe(true);
  });

  it("does no tail checks when they are turned off", async () => {
    const server = new FakeChatServer();
    const { group } = await threeMembers(server);
    const bob = makeClient(server, "bob", new MemoryClientStorage(), { groupTailCheckMs: 0 });
    await bob.client.connect();
    server.sendGroupAs("alice", { clientMsgId: "g1", groupId: group.groupId, content: "1" });
    await vi.waitFor(() => expect(inChat(bob.messages, group.chatId)).toHaveLength(1));
    const before = server.calls.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(server.calls.slice(before).filter((c) => c.method === "SyncMessages")).toEqual([]);
  });

  it("catches a group up after a reconnect and does not deliver again what it had", async () => {
    const server = new FakeChatServer();
    const { bob, group } = await threeMembers(server);
    server.sendGroupAs("alice", { clientMsgId: "g1", groupId: group.groupId, content: "1" });
    await vi.waitFor(() => expect(inChat(bob.messages, group.chatId)).toHaveLength(1));
    bob.transport.drop();
    for (let i = 2; i <= 4; i++) server.sendGroupAs("carol", { clientMsgId: `g${i}`, groupId: group.groupId, content: String(i) });
    const synced = bob.client.waitForSync();
    bob.transport.reconnect();
    await synced;
    await vi.waitFor(() => expect(contents(inChat(bob.messages, group.chatId))).toEqual(["1", "2", "3", "4"]));
    expect(await bob.storage.loadCursors("bob")).toMatchObject({ [group.chatId]: 4 });
  });

  it("resends a group send cut off by a dropped connection with the same clientMsgId, accepted once", async () => {
    const server = new FakeChatServer();
    const { alice, bob, group } = await threeMembers(server);
    const first = alice.client.sendGroup({ groupId: group.groupId, content: "one", clientMsgId: "k1", mentions: ["bob"] });
    alice.transport.drop(); // the SendGroup call in flight is cut off
    const second = alice.client.sendGroup({ groupId: group.groupId, content: "two", clientMsgId: "k2" });
    await new Promise((r) => setTimeout(r, 10));
    alice.transport.reconnect();
    const [r1, r2] = await Promise.all([first, second]);
    expect([r1.seq, r2.seq]).toEqual([1, 2]);
    expect(server.messages.map((m) => m.content)).toEqual(["one", "two"]);
    const sends = server.calls.filter((c) => c.method === "SendGroup").map((c) => (c.arg as { clientMsgId: string }).clientMsgId);
    expect(new Set(sends)).toEqual(new Set(["k1", "k2"]));
    await vi.waitFor(() => expect(contents(inChat(bob.messages, group.chatId))).toEqual(["one", "two"]));
    expect(bob.messages[0]?.mentions).toEqual(["bob"]);
  });

  it("rejects a group send the server refuses with a typed error", async () => {
    const server = new FakeChatServer();
    const alice = makeClient(server, "alice");
    await alice.client.connect();
    const other = server.createGroupAs("bob", "not alice's", ["carol"]);
    await expect(alice.client.sendGroup({ groupId: other.groupId, content: "x" })).rejects.toMatchObject({ code: "IM_FORBIDDEN", retriable: false });
  });

  it("acks a group read with one id, raises the read cursor, and the sender sees GroupRead and receipts", async () => {
    const server = new FakeChatServer();
    const { alice, bob, carol, group } = await threeMembers(server);
    await alice.client.sendGroup({ groupId: group.groupId, content: "a" });
    const last = await alice.client.sendGroup({ groupId: group.groupId, content: "b" });
    await vi.waitFor(() => expect(inChat(bob.messages, group.chatId)).toHaveLength(2));
    await vi.waitFor(() => expect(inChat(carol.messages, group.chatId)).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 40)); // an ack batch would have gone out by now
    // Group messages are not acked Delivered: read diffusion keeps no per-member delivery state.
    expect(server.calls.filter((c) => c.method === "Ack" && (c.arg as { status: string }).status === "Delivered")).toEqual([]);

    await bob.client.markRead(group.chatId, last.seq);
    const acks = server.calls.filter((c) => c.userId === "bob" && c.method === "Ack");
    expect(acks.map((c) => c.arg)).toEqual([{ msgIds: [last.msgId], status: "Read" }]);
    expect(bob.client.readSeq(group.chatId)).toBe(2);
    await vi.waitFor(() => expect(alice.reads).toContainEqual({ chatId: group.chatId, userId: "bob", readSeq: 2 }));

    const receipts = await alice.client.getGroupReadReceipts(group.chatId, last.seq);
    expect(receipts).toEqual({ readCount: 1, unreadCount: 1, readers: ["bob"] });
    await bob.client.markRead(group.chatId, last.seq); // nothing unread is left: no second ack
    expect(server.calls.filter((c) => c.userId === "bob" && c.method === "Ack")).toHaveLength(1);
  });

  it("starts a group it first sees at a catch-up at the member's read cursor: unread messages arrive, read ones do not", async () => {
    const server = new FakeChatServer();
    const group = server.createGroupAs("alice", "book club", ["bob"]);
    for (let i = 1; i <= 5; i++) server.sendGroupAs("alice", { clientMsgId: `g${i}`, groupId: group.groupId, content: String(i) });
    server.readAs("bob", group.chatId, 3); // read on another device
    const bob = makeClient(server, "bob"); // a new device: no cursor for the group
    await bob.client.connect();
    await vi.waitFor(() => expect(contents(inChat(bob.messages, group.chatId))).toEqual(["4", "5"]));
    expect(bob.client.readSeq(group.chatId)).toBe(3);
    expect(await bob.storage.loadCursors("bob")).toMatchObject({ [group.chatId]: 5 });
  });

  it("a member added later gets only what follows the join point, without stalling on the seqs before it", async () => {
    const server = new FakeChatServer();
    const group = server.createGroupAs("alice", "old group", ["carol"]);
    for (let i = 1; i <= 20; i++) server.sendGroupAs("alice", { clientMsgId: `old${i}`, groupId: group.groupId, content: `old${i}` });
    const dave = makeClient(server, "dave");
    await dave.client.connect();
    await vi.waitFor(() => expect(dave.client.connectionState).toBe("connected"));
    server.addMembersAs(group.groupId, ["dave"]);
    server.sendGroupAs("alice", { clientMsgId: "new1", groupId: group.groupId, content: "welcome" });
    server.sendGroupAs("carol", { clientMsgId: "new2", groupId: group.groupId, content: "hi dave" });
    await vi.waitFor(() => expect(contents(inChat(dave.messages, group.chatId))).toEqual(["welcome", "hi dave"]));
    expect(inChat(dave.messages, group.chatId).map((m) => m.seq)).toEqual([21, 22]);
  });

  it("takes its own read cursor from another device's GroupRead", async () => {
    const server = new FakeChatServer();
    const { bob, group } = await threeMembers(server);
    bob.transport.deliver("GroupRead", { chatId: group.chatId, userId: "bob", readSeq: 7 });
    bob.transport.deliver("GroupRead", { chatId: group.chatId, userId: "bob", readSeq: 3 });
    expect(bob.client.readSeq(group.chatId)).toBe(7);
    expect(bob.reads.map((e) => e.readSeq)).toEqual([7, 3]);
  });
});
