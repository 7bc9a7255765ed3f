import type { GroupDto, GroupMembersResult, GroupReadEvent, GroupReadReceiptsResult, MessageDto, MessageRecalledEvent, SyncResult } from "./models.js";

// What arrives over either hub protocol, made uniform: MessagePack may decode 64-bit integers as bigint and
// sends `undefined` as nil, JSON does neither. The model uses numbers (seq and times fit).

const toNumber = (v: unknown): number => (typeof v === "bigint" ? Number(v) : (v as number));

/** Drops absent members so both protocols send the same thing. */
export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function normalizeMessage(m: MessageDto): MessageDto {
  return {
    ...m,
    msgId: String(m.msgId),
    seq: toNumber(m.seq),
    sendTime: toNumber(m.sendTime),
    msgFormat: toNumber(m.msgFormat),
    status: toNumber(m.status),
    recalled: m.recalled === true,
    toUserId: m.toUserId ?? null,
    groupId: m.groupId == null ? null : String(m.groupId),
    mentions: m.mentions ?? null,
  };
}

export function normalizeGroup(g: GroupDto): GroupDto {
  return { ...g, groupId: String(g.groupId), memberCount: toNumber(g.memberCount), createdAt: toNumber(g.createdAt) };
}

export function normalizeMembersPage(page: GroupMembersResult): GroupMembersResult {
  return {
    members: (page.members ?? []).map((m) => ({ ...m, joinedAt: toNumber(m.joinedAt) })),
    hasMore: page.hasMore === true,
  };
}

export function normalizeReceipts(r: GroupReadReceiptsResult): GroupReadReceiptsResult {
  return { readCount: toNumber(r.readCount), unreadCount: toNumber(r.unreadCount), readers: r.readers ?? null };
}

export function normalizeGroupRead(e: GroupReadEvent): GroupReadEvent {
  return { ...e, readSeq: toNumber(e.readSeq) };
}

export function normalizeSync(result: SyncResult): SyncResult {
  const maxSeqByChat: Record<string, number> = {};
  for (const [chatId, seq] of Object.entries(result.maxSeqByChat ?? {})) maxSeqByChat[chatId] = Number(seq);
  return { messages: (result.messages ?? []).map(normalizeMessage), hasMore: result.hasMore === true, maxSeqByChat };
}

export function normalizeRecalled(event: MessageRecalledEvent): MessageRecalledEvent {
  return { ...event, msgId: String(event.msgId), seq: toNumber(event.seq), time: toNumber(event.time) };
}
