// The demo page's model: what it shows of a conversation and a message, its timings, and the pure helpers.
import { StoredStatus } from "../src/index.js";

export interface View {
  /** Key: msgId once confirmed, `pending:<clientMsgId>` before. */
  key: string;
  msgId: string | undefined;
  clientMsgId: string;
  seq: number;
  mine: boolean;
  content: string;
  time: number;
  /** 0 pending, 1 sent, 3 delivered, 4 read, -1 failed. */
  status: number;
  /** Recalled by its sender: shown as a placeholder, its content is gone from the server too. */
  recalled: boolean;
  /** The sender (shown above others' messages in a group). */
  from: string;
  /** A group's membership notice (msgFormat 201–206), shown centred without ticks. */
  system: boolean;
}

export interface Conversation {
  chatId: string;
  peer: string;
  preview: string;
  lastSeq: number;
  unread: number;
  /** Messages by key, plus paging state. */
  messages: Map<string, View>;
  oldestSeq: number | undefined;
  hasOlder: boolean;
  historyLoaded: boolean;
  /** Until when (Unix ms) the peer counts as typing; 0 when not. */
  typingUntil: number;
  /** Set for a group chat: its id and how many members it has. */
  group: { groupId: string; memberCount: number } | undefined;
  /** In a group: each member's read cursor as far as this page knows (GroupRead events, receipts). */
  readSeqs: Map<string, number>;
}

/** How long "typing…" stays after the last Typing event (the hub sends at most one per chat per 2 s). */
export const TYPING_SHOWN_MS = 3500;
/** How long the recall action is offered; the hub decides (Im:Messaging:RecallWindow, default 2 minutes). */
export const RECALL_OFFERED_MS = 2 * 60_000;
/** How often the online dots are refreshed. */
export const PRESENCE_POLL_MS = 15_000;

export const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} missing`);
  return el as T;
};


export function previewOf(mine: boolean, recalled: boolean, content: string): string {
  if (recalled) return mine ? "You recalled a message" : "Message recalled";
  return (mine ? "You: " : "") + content;
}

export function tickFor(v: View): { text: string; status: string } {
  if (v.status < 0) return { text: "!", status: "failed" };
  if (v.status === 0) return { text: "…", status: "pending" };
  if (v.status >= StoredStatus.Read) return { text: "✓✓", status: "read" };
  if (v.status >= StoredStatus.Delivered) return { text: "✓✓", status: "delivered" };
  return { text: "✓", status: "sent" };
}

export function lastTime(c: Conversation): number {
  let t = 0;
  for (const v of c.messages.values()) t = Math.max(t, v.time);
  return t || c.lastSeq;
}
