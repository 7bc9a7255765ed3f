import { afterEach, describe, expect, it, vi } from "vitest";
import { ImChatClient } from "../src/ImChatClient.js";
import type { ConnectionState } from "../src/HubTransport.js";
import { MemoryClientStorage } from "../src/MemoryClientStorage.js";
import type { MessageDto, MessageStatusEvent } from "../src/models.js";
import { FakeChatServer } from "./fakes/FakeChatServer.js";
import { FakeTransport } from "./fakes/FakeTransport.js";
import { ReconnectingTransport } from "./fakes/ReconnectingTransport.js";

const clients: ImChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

function makeClient(server: FakeChatServer, userId: string, storage = new MemoryClientStorage()) {
  const transport = new FakeTransport(server, userId);
  const client = new ImChatClient({
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
  const statuses: MessageStatusEvent[] = [];
  const states: ConnectionState[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("status", (s) => statuses.push(s));
  client.on("connectionState", (s) => states.push(s));
  return { client, transport, messages, statuses, states };
}

const contents = (ms: MessageDto[]) => ms.map((m) => m.content);
const seqs = (ms: MessageDto[]) => ms.map((m) => m.seq);

describe("ImChatClient", () => {
  it("receives pushes once in order and acks them Delivered in a batch", async () => {
    const server = new FakeChatServer();
    const bob = makeClient(server, "bob");
    await bob.client.connect();
    await bob.client.waitForSync().catch(() => {});
    for (let i = 1; i <= 5; i++) server.sendAs("alice", { clientMsgId: `a${i}`, toUserId: "bob", content: `hi ${i}` });
    server.repush(server.messages[2]!.msgId); // a sweeper re-push of #3
    await vi.waitFor(() => expect(server.messages.every((m) => m.status === 3)).toBe(true));
    expect(contents(bob.messages)).toEqual(["hi 1", "hi 2", "hi 3", "hi 4", "hi 5"]);
    const ackCalls = server.calls.filter((c) => c.method === "Ack");
    expect(ackCalls.length).toBeLessThanOrEqual(2); // batched, not one per message
  });

  it("delivers what was sent while it was offline after reconnecting, without duplicates", async () => {
    const server = new FakeChatServer();
    const bob = makeClient(server, "bob");
    await bob.client.connect();
    server.sendAs("alice", { clientMsgId: "a1", toUserId: "bob", content: "1" });
    await vi.waitFor(() => expect(bob.messages).toHaveLength(1));
    bob.transport.drop();
    for (let i = 2; i <= 6; i++) server.sendAs("alice", { clientMsgId: `a${i}`, toUserId: "bob", content: String(i) });
    const synced = bob.client.waitForSync();
    bob.transport.reconnect();
    await synced;
    server.sendAs("alice", { clientMsgId: "a7", toUserId: "bob", content: "7" });
    await vi.waitFor(() => expect(bob.messages).toHaveLength(7));
    expect(seqs(bob.messages)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(bob.states).toContain("reconnecting");
    expect(bob.client.connectionState).toBe("connected");
  });

  it("fills a gap left by a lost push with a sync of that conversation", async () => {
    const server = new FakeChatServer();
    const bob = makeClient(server, "bob");
    await bob.client.connect();
    await vi.waitFor(() => expect(bob.client.connectionState).toBe("connected"));
    server.sendAs("alice", { clientMsgId: "a1", toUserId: "bob", content: "1" });
    server.pushFilter = () => false;
    server.sendAs("alice", { clientMsgId: "a2", toUserId: "bob", content: "2" });
    server.pushFilter = () => true;
    server.sendAs("alice", { clientMsgId: "a3", toUserId: "bob", content: "3" });
    await vi.waitFor(() => expect(contents(bob.messages)).toEqual(["1", "2", "3"]));
    expect(server.calls.some((c) => c.method === "SyncMessages" && (c.arg as { chatId?: string }).chatId === "c2c:alice:bob")).toBe(true);
  });

  it("sends through the outbox across a dropped connection without duplicating on the server", async () => {
    const server = new FakeChatServer();
    const alice = makeClient(server, "alice");
    const bob = makeClient(server, "bob");
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    const first = alice.client.sendC2C({ toUserId: "bob", content: "one", clientMsgId: "k1" });
    alice.transport.drop(); // the SendC2C call in flight is cut off
    const second = alice.client.sendC2C({ toUserId: "bob", content: "two", clientMsgId: "k2" });
    await new Promise((r) => setTimeout(r, 10));
    alice.transport.reconnect();
    const [r1, r2] = await Promise.all([first, second]);
    expect([r1.seq, r2.seq]).toEqual([1, 2]);
    expect(server.messages.map((m) => m.content)).toEqual(["one", "two"]);
    await vi.waitFor(() => expect(contents(bob.messages)).toEqual(["one", "two"]));
    // The sender's own timeline has its confirmed messages in seq order too.
    await vi.waitFor(() => expect(contents(alice.messages)).toEqual(["one", "two"]));
  });

  it("resends with the same clientMsgId after a retriable rejection and gets the first result", async () => {
    const server = new FakeChatServer();
    const alice = makeClient(server, "alice");
    await alice.client.connect();
    server.failNext("SendC2C", "IM_STORE_UNAVAILABLE: database is down", 2);
    const result = await alice.client.sendC2C({ toUserId: "bob", content: "x", clientMsgId: "same" });
    expect(result.seq).toBe(1);
    const sends = server.calls.filter((c) => c.method === "SendC2C").map((c) => (c.arg as { clientMsgId: string }).clientMsgId);
    expect(sends).toEqual(["same", "same", "same"]);
    expect(server.messages).toHaveLength(1);
  });

  it("rejects a send the server refuses with a typed error", async () => {
    const server = new FakeChatServer();
    const alice = makeClient(server, "alice");
    await alice.client.connect();
    server.failNext("SendC2C", "IM_CONTENT_TOO_LARGE: content is 9000 bytes");
    await expect(alice.client.sendC2C({ toUserId: "bob", content: "x" })).rejects.toMatchObject({
      name: "ImError",
      code: "IM_CONTENT_TOO_LARGE",
      retriable: false,
    });
  });

  it("marks messages read up to a seq and the sender sees Delivered then Read", async () => {
    const server = new FakeChatServer();
    const alice = makeClient(server, "alice");
    const bob = makeClient(server, "bob");
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    await alice.client.sendC2C({ toUserId: "bob", content: "a" });
    const last = await alice.client.sendC2C({ toUserId: "bob", content: "b" });
    await vi.waitFor(() => expect(bob.messages).toHaveLength(2));
    await vi.waitFor(() => expect(alice.statuses.filter((s) => s.status === "Delivered")).toHaveLength(2));
    await bob.client.markRead(last.chatId, last.seq);
    await vi.waitFor(() => expect(alice.statuses.filter((s) => s.status === "Read")).toHaveLength(2));
    const conv = (await bob.client.getConversations())[0];
    expect(conv?.unread).toBe(0);
  });

  it("keeps retrying the first connection until it succeeds", async () => {
    const server = new FakeChatServer();
    const bob = makeClient(server, "bob");
    bob.transport.failStarts = 3;
    await bob.client.connect();
    expect(bob.transport.starts).toBe(4);
    expect(bob.client.connectionState).toBe("connected");
  });

  it("restarts by itself when the connection is closed for good", async () => {
    const server = new FakeChatServer();
    const bob = makeClient(server, "bob");
    await bob.client.connect();
    bob.transport.close();
    server.sendAs("alice", { clientMsgId: "a1", toUserId: "bob", content: "while closed" });
    await vi.waitFor(() => expect(contents(bob.messages)).toEqual(["while closed"]), { timeout: 3000 });
    expect(bob.transport.starts).toBe(2);
  });

  it("does not deliver again after reconnects what it already delivered (cursor kept in storage)", async () => {
    const server = new FakeChatServer();
    const storage = new MemoryClientStorage();
    const first = makeClient(server, "bob", storage);
    await first.client.connect();
    server.sendAs("alice", { clientMsgId: "a1", toUserId: "bob", content: "1" });
    await vi.waitFor(() => expect(first.messages).toHaveLength(1));
    await first.client.stop();
    server.sendAs("alice", { clientMsgId: "a2", toUserId: "bob", content: "2" });
    const second = makeClient(server, "bob", storage);
    await second.client.connect();
    await vi.waitFor(() => expect(contents(second.messages)).toEqual(["2"]));
  });
});

describe("ImChatClient while the transport is reconnecting", () => {
  const CHAT = "c2c:alice:bob";
  const push = (seq: number): MessageDto => ({
    msgId: `m${seq}`,
    clientMsgId: `c${seq}`,
    chatId: CHAT,
    seq,
    fromUserId: "alice",
    toUserId: "bob",
    content: String(seq),
    msgFormat: 1,
    ext: null,
    sendTime: seq,
    status: 1,
    recalled: false,
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("does not spin on failing syncs when the connection drops during the catch-up with a push held above a gap", async () => {
    const storage = new MemoryClientStorage();
    await storage.saveCursor("bob", CHAT, 2);
    const transport = new ReconnectingTransport();
    transport.answer = async (method, arg) => {
      const request = (arg ?? {}) as { chatId?: string };
      if (method === "SyncMessages" && request.chatId === undefined) {
        return { messages: [], hasMore: false, maxSeqByChat: { [CHAT]: 8 } };
      }
      if (method === "SyncMessages") {
        // The catch-up syncs the lagging conversation: a push above the gap arrives, then the socket drops.
        transport.push("ReceiveC2C", push(9));
        transport.drop();
        return new Promise(() => {});
      }
      return {};
    };
    const client = new ImChatClient({ url: "http://fake", userId: "bob", accessTokenFactory: () => "t", transport, storage });
    clients.push(client);
    const errors: string[] = [];
    client.on("error", (e) => errors.push(e.code));
    await client.connect();
    await sleep(300);
    // A timer fired, so the event loop was not frozen; and the refused calls stayed few.
    expect(transport.refused).toBeLessThan(10);
    expect(errors.length).toBeLessThan(10);
  });
});
