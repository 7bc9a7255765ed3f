import { StoredStatus, type MessageDto } from "./models.js";

/** Unread peer messages remembered per conversation at most (the oldest are forgotten first). */
const MaxPerChat = 1000;

/** What {@link UnreadTracker.take} found to mark read. */
export interface ReadSelection {
  ids: string[];
  /** The newest of them this client had seen, if any. */
  newest: { seq: number; msgId: string } | undefined;
}

/**
 * Peer messages handed over (or read from history) and not yet marked read, per conversation, so that
 * `markRead(chatId, seq)` knows which msgIds to ack. Used by {@link ImChatClient}.
 */
export class UnreadTracker {
  /** seq → msgId, per conversation. */
  private readonly byChat = new Map<string, Map<number, string>>();

  constructor(
    private readonly userId: string,
    /** This user's read cursor in a group (what lies at or below it is read already). */
    private readonly groupReadSeq: (chatId: string) => number,
  ) {}

  track(message: MessageDto): void {
    if (message.fromUserId === this.userId) return;
    if (message.groupId != null) {
      if (message.seq <= this.groupReadSeq(message.chatId)) return;
    } else if (message.toUserId !== this.userId || message.status >= StoredStatus.Read) {
      return;
    }
    let unread = this.byChat.get(message.chatId);
    if (unread === undefined) this.byChat.set(message.chatId, (unread = new Map()));
    unread.set(message.seq, message.msgId);
    if (unread.size > MaxPerChat) unread.delete(Math.min(...unread.keys()));
  }

  /** Takes the unread messages up to a seq (or exactly the given msgIds) off the list. */
  take(chatId: string, upTo: number | readonly string[]): ReadSelection {
    const unread = this.byChat.get(chatId);
    const ids = typeof upTo === "number" ? [] : [...upTo];
    let newest: ReadSelection["newest"];
    for (const [seq, msgId] of unread ?? []) {
      if (typeof upTo === "number" ? seq > upTo : !ids.includes(msgId)) continue;
      if (typeof upTo === "number") ids.push(msgId);
      unread?.delete(seq);
      if (newest === undefined || seq > newest.seq) newest = { seq, msgId };
    }
    return { ids, newest };
  }
}
