import type { ClientStorage } from "./ClientStorage.js";
import type { MessageSequencer } from "./MessageSequencer.js";
import { groupIdOf, HubMethods, type ConversationDto, type SyncResult } from "./models.js";
import { normalizeSync } from "./wire.js";

/** What {@link GroupCursors} needs from the client. */
export interface GroupCursorsDeps {
  userId: string;
  storage: ClientStorage;
  sequencer: MessageSequencer;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Whether the connection is up now (tail checks run only then). */
  connected(): boolean;
  /** Milliseconds between tail checks; 0 turns them off. */
  tailCheckMs: number;
}

/**
 * What read diffusion (SPEC §10) asks of a client beyond C2C: this user's read cursor per group, where a group
 * first seen at a catch-up starts, and the periodic tail check. A group message is pushed once and never again,
 * and the catch-up lists no group message as undelivered, so without these a new device would skip a group's
 * unread messages and a lost push of a group's last message would stay missing until the next one.
 */
export class GroupCursors {
  private readonly readSeqs = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: GroupCursorsDeps) {}

  /** This user's read cursor in a group, as far as this client knows. */
  readSeq(chatId: string): number {
    return this.readSeqs.get(chatId) ?? 0;
  }

  /** Raises the read cursor (its own acks, its other devices' GroupRead); it never moves back. */
  raise(chatId: string, seq: number): void {
    if (seq > this.readSeq(chatId)) this.readSeqs.set(chatId, seq);
  }

  /**
   * Called with each catch-up overview: a group with no cursor would start at its newest seq, as a new C2C chat
   * does; start it at this user's read cursor instead, so what is unread there reaches the app.
   */
  async startNewGroups(overview: SyncResult): Promise<void> {
    const { sequencer, storage, userId } = this.deps;
    const fresh = Object.keys(overview.maxSeqByChat).filter((chatId) => groupIdOf(chatId) !== undefined && sequencer.cursorOf(chatId) === undefined);
    if (fresh.length === 0) return;
    for (const c of await this.deps.invoke<ConversationDto[]>(HubMethods.GetConversations)) {
      if (!fresh.includes(c.chatId)) continue;
      const readSeq = Number(c.readSeq);
      this.raise(c.chatId, readSeq);
      sequencer.restoreCursor(c.chatId, readSeq);
      storage.saveCursor(userId, c.chatId, readSeq).catch(() => {});
    }
  }

  /** The connection is up: tail checks run every `tailCheckMs`. */
  startTailChecks(): void {
    this.stopTailChecks();
    if (this.deps.tailCheckMs > 0) this.timer = setInterval(() => void this.checkTails(), this.deps.tailCheckMs);
  }

  stopTailChecks(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One overview (limit 1: only `maxSeqByChat` is wanted) and a sync of each known group that is behind it. */
  private async checkTails(): Promise<void> {
    const { sequencer } = this.deps;
    if (!this.deps.connected() || !sequencer.knownChats().some((chatId) => groupIdOf(chatId) !== undefined)) return;
    let overview: SyncResult;
    try {
      overview = normalizeSync(await this.deps.invoke<SyncResult>(HubMethods.SyncMessages, { limit: 1 }));
    } catch {
      return; // best effort: the next check, push or catch-up repairs it
    }
    for (const [chatId, maxSeq] of Object.entries(overview.maxSeqByChat)) {
      if (groupIdOf(chatId) !== undefined) sequencer.syncIfBehind(chatId, maxSeq);
    }
  }
}
