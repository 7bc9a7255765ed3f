import { describe, expect, it } from "vitest";
import { MessageSequencer, type SequencerDeps } from "../src/MessageSequencer.js";
import type { MessageDto, SyncResult } from "../src/models.js";

const A = "c2c:alice:bob";
const B = "c2c:alice:carol";
const msg = (chatId: string, seq: number): MessageDto => ({
  msgId: `${chatId}#${seq}`,
  clientMsgId: `c${seq}`,
  chatId,
  seq,
  fromUserId: chatId === A ? "bob" : "carol",
  toUserId: "alice",
  content: `m${seq}`,
  msgFormat: 1,
  ext: null,
  sendTime: seq,
  status: 1,
  recalled: false,
});

/**
 * A hub with every message still undelivered to this (new) device: the undelivered overview pages in store
 * order, and an ack (a delivery or a repeat) takes a message off it, as the hub does.
 */
function hub(chats: Record<string, number>, pageSize: number, deliveredBefore: readonly string[] = []) {
  const all = Object.entries(chats).flatMap(([chatId, n]) => Array.from({ length: n }, (_, i) => msg(chatId, i + 1)));
  const undelivered = new Set(all.filter((m) => !deliveredBefore.includes(m.chatId)).map((m) => m.msgId));
  const delivered: string[] = [];
  const acked: string[] = [];
  const page = (messages: MessageDto[]): SyncResult => ({
    messages: messages.slice(0, pageSize),
    hasMore: messages.length > pageSize,
    maxSeqByChat: { ...chats },
  });
  const deps: SequencerDeps = {
    fetchAfter: async (chatId, afterSeq) => page(all.filter((m) => m.chatId === chatId && m.seq > afterSeq)),
    fetchUndelivered: async () => page(all.filter((m) => undelivered.has(m.msgId))),
    afterUndeliveredPage: async () => {},
    deliver: (m) => {
      delivered.push(m.msgId);
      undelivered.delete(m.msgId);
    },
    duplicate: (m) => {
      acked.push(m.msgId);
      undelivered.delete(m.msgId);
    },
    cursorMoved: () => {},
    syncFailed: () => {},
  };
  return { sequencer: new MessageSequencer(deps), delivered, acked };
}

describe("MessageSequencer, a new device's catch-up over several undelivered pages", () => {
  it("starts a conversation missing from the first page below its undelivered messages, not at its newest seq", async () => {
    // Page 1 holds only A's messages; B's come on page 2. Starting B at its newest seq on page 1 made page 2's
    // messages look handed over already: acked as repeats, never shown.
    const h = hub({ [A]: 4, [B]: 3 }, 3);
    await h.sequencer.catchUp();
    expect(h.delivered).toEqual([`${A}#1`, `${A}#2`, `${A}#3`, `${A}#4`, `${B}#1`, `${B}#2`, `${B}#3`]);
    expect(h.acked).toEqual([]);
  });

  it("still starts a conversation with nothing undelivered at its newest seq once the last page is read", async () => {
    const h = hub({ [A]: 4, [B]: 5 }, 3, [B]); // B was delivered to another device: history, not news
    await h.sequencer.catchUp();
    expect(h.delivered).toEqual([`${A}#1`, `${A}#2`, `${A}#3`, `${A}#4`]);
    expect(h.sequencer.cursorOf(B)).toBe(5);
  });
});
