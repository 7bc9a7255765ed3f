import type {
  AckRequest,
  ConversationDto,
  HistoryRequest,
  MessageDto,
  CreateGroupRequest,
  GroupDto,
  GroupReadReceiptsRequest,
  GroupReadReceiptsResult,
  SendC2CRequest,
  SendC2CResult,
  SendGroupRequest,
  SyncRequest,
  SyncResult,
} from "../../src/models.js";
import { chatIdFor, chatIdForGroup, HubMethods } from "../../src/models.js";
import type { FakeTransport } from "./FakeTransport.js";

interface FakeGroup {
  dto: GroupDto;
  /** Member → the group's seq when they joined (they see later seqs only). */
  members: Map<string, number>;
}

/** An in-memory model of the hub's contract (SPEC §3/§4, groups of §10) for unit tests: seqs, dedupe, acks, sync, pushes. */
export class FakeChatServer {
  readonly messages: MessageDto[] = [];
  readonly calls: { userId: string; method: string; arg: unknown; transport: FakeTransport }[] = [];
  private readonly seqByChat = new Map<string, number>();
  private readonly byClientMsgId = new Map<string, SendC2CResult>();
  private readonly readSeq = new Map<string, number>();
  private readonly connections = new Set<FakeTransport>();
  private nextMsgId = 1000n;
  private readonly groups = new Map<string, FakeGroup>();
  private nextGroupId = 500;
  private readonly failures: { method: string; message: string; times: number }[] = [];
  /** Return false to drop a push (simulates a lost backplane message). */
  pushFilter: (to: FakeTransport, event: string, arg: unknown) => boolean = () => true;
  /** Seq increment (set to >1 once to simulate a seq jump). */
  seqStep = 1;

  /** Makes the next `times` calls of `method` fail with `message` (e.g. `IM_STORE_UNAVAILABLE: down`). */
  failNext(method: string, message: string, times = 1): void {
    this.failures.push({ method, message, times });
  }

  connect(transport: FakeTransport): void {
    this.connections.add(transport);
  }

  disconnect(transport: FakeTransport): void {
    this.connections.delete(transport);
  }

  /** A send by `from` as if through another device or service (pushes to everyone but `except`). */
  sendAs(from: string, request: Omit<SendC2CRequest, "msgFormat"> & { msgFormat?: number }, except?: FakeTransport): SendC2CResult {
    return this.send(from, { msgFormat: 1, ...request }, except);
  }

  /** A group send by `from` as if from another device (pushes to every member's connections but `except`). */
  sendGroupAs(from: string, request: Omit<SendGroupRequest, "msgFormat"> & { msgFormat?: number }, except?: FakeTransport): SendC2CResult {
    return this.sendGroup(from, { msgFormat: 1, ...request }, except);
  }

  /** Creates a group as `owner` (as another device would). */
  createGroupAs(owner: string, name: string, memberIds: string[]): GroupDto {
    return this.createGroup(owner, { name, memberIds });
  }

  call(userId: string, method: string, arg: unknown, from: FakeTransport): unknown {
    this.calls.push({ userId, method, arg, transport: from });
    const failure = this.failures.find((f) => f.method === method && f.times > 0);
    if (failure !== undefined) {
      failure.times--;
      throw new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: ${failure.message}`);
    }
    switch (method) {
      case HubMethods.SendC2C:
        return this.send(userId, arg as SendC2CRequest, from);
      case HubMethods.Ack:
        return this.ack(userId, arg as AckRequest);
      case HubMethods.SyncMessages:
        return this.sync(userId, (arg ?? {}) as SyncRequest);
      case HubMethods.GetHistory:
        return this.history(arg as HistoryRequest);
      case HubMethods.GetConversations:
        return this.conversations(userId);
      case HubMethods.CreateGroup:
        return this.createGroup(userId, arg as CreateGroupRequest);
      case HubMethods.SendGroup:
        return this.sendGroup(userId, arg as SendGroupRequest, from);
      case HubMethods.GetGroupReadReceipts:
        return this.receipts(arg as GroupReadReceiptsRequest);
      default:
        throw new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: Method does not exist.`);
    }
  }

  private send(from: string, req: SendC2CRequest, except?: FakeTransport): SendC2CResult {
    const key = `${from}\u0000${req.clientMsgId}`;
    const first = this.byClientMsgId.get(key);
    if (first !== undefined) return { ...first, duplicate: true };
    const chatId = chatIdFor(from, req.toUserId);
    const seq = (this.seqByChat.get(chatId) ?? 0) + this.seqStep;
    this.seqStep = 1;
    this.seqByChat.set(chatId, seq);
    const online = [...this.connections].some((c) => c.userId === req.toUserId);
    const message: MessageDto = {
      msgId: String(this.nextMsgId++),
      clientMsgId: req.clientMsgId,
      chatId,
      seq,
      fromUserId: from,
      toUserId: req.toUserId,
      content: req.content,
      msgFormat: req.msgFormat,
      ext: req.ext ?? null,
      sendTime: 1_700_000_000_000 + seq,
      status: online ? 1 : 2,
      recalled: false,
    };
    this.messages.push(message);
    const result: SendC2CResult = { msgId: message.msgId, chatId, seq, serverTime: message.sendTime, duplicate: false };
    this.byClientMsgId.set(key, result);
    for (const c of this.connections) {
      if (c === except) continue;
      if (c.userId === req.toUserId || c.userId === from) this.push(c, HubMethods.ReceiveC2C, { ...message });
    }
    return result;
  }

  private createGroup(owner: string, req: CreateGroupRequest): GroupDto {
    const groupId = String(this.nextGroupId++);
    const members = new Map<string, number>([[owner, 0]]);
    for (const id of req.memberIds ?? []) members.set(id, 0);
    const dto: GroupDto = { groupId, chatId: chatIdForGroup(groupId), name: req.name ?? "", ownerId: owner, memberCount: members.size, createdAt: 1 };
    this.groups.set(groupId, { dto, members });
    return { ...dto };
  }

  private group(userId: string, groupId: string): FakeGroup {
    const group = this.groups.get(groupId);
    if (group === undefined) throw new Error("HubException: IM_NOT_FOUND: no such group");
    if (!group.members.has(userId)) throw new Error("HubException: IM_FORBIDDEN: not a member");
    return group;
  }

  private sendGroup(from: string, req: SendGroupRequest, except?: FakeTransport): SendC2CResult {
    const group = this.group(from, req.groupId);
    const key = `${from}\u0000${req.clientMsgId}`;
    const first = this.byClientMsgId.get(key);
    if (first !== undefined) return { ...first, duplicate: true };
    const chatId = group.dto.chatId;
    const seq = (this.seqByChat.get(chatId) ?? 0) + this.seqStep;
    this.seqStep = 1;
    this.seqByChat.set(chatId, seq);
    const message: MessageDto = {
      msgId: String(this.nextMsgId++),
      clientMsgId: req.clientMsgId,
      chatId,
      seq,
      fromUserId: from,
      toUserId: null,
      content: req.content,
      msgFormat: req.msgFormat,
      ext: req.ext ?? null,
      sendTime: 1_700_000_000_000 + seq,
      status: 1,
      recalled: false,
      groupId: req.groupId,
      mentions: req.mentions ?? null,
    };
    this.messages.push(message);
    const result: SendC2CResult = { msgId: message.msgId, chatId, seq, serverTime: message.sendTime, duplicate: false };
    this.byClientMsgId.set(key, result);
    for (const c of this.connections) {
      if (c !== except && group.members.has(c.userId)) this.push(c, HubMethods.ReceiveGroup, { ...message });
    }
    return result;
  }

  private receipts(req: GroupReadReceiptsRequest): GroupReadReceiptsResult {
    const group = this.groups.get(req.chatId?.slice(4) ?? "");
    if (group === undefined) throw new Error("HubException: IM_NOT_FOUND: no such group");
    const m = this.messages.find((x) => x.chatId === req.chatId && x.seq === req.seq);
    const readers = [...group.members.keys()].filter((u) => u !== m?.fromUserId && (this.readSeq.get(`${u}\u0000${req.chatId}`) ?? 0) >= (req.seq ?? 0));
    return { readCount: readers.length, unreadCount: group.members.size - 1 - readers.length, readers };
  }

  private visibleTo(userId: string, m: MessageDto): boolean {
    if (m.groupId == null) return m.fromUserId === userId || m.toUserId === userId;
    const joinSeq = this.groups.get(m.groupId)?.members.get(userId);
    return joinSeq !== undefined && m.seq > joinSeq;
  }

  /** Pushes a stored message again to the recipient's connections (what the sweeper does). */
  repush(msgId: string): void {
    const m = this.messages.find((x) => x.msgId === msgId);
    if (m === undefined) throw new Error("no such message");
    for (const c of this.connections) if (c.userId === m.toUserId) this.push(c, HubMethods.ReceiveC2C, { ...m });
  }

  private push(to: FakeTransport, event: string, arg: unknown): void {
    if (this.pushFilter(to, event, arg)) to.deliver(event, arg);
  }

  private ack(userId: string, req: AckRequest): { acked: number } {
    if (req.msgIds.length > 200) throw new Error("HubException: IM_TOO_MANY_IDS: too many");
    const level = req.status === "Read" ? 4 : 3;
    let acked = 0;
    for (const id of req.msgIds) {
      const m = this.messages.find((x) => x.msgId === id);
      if (m?.groupId != null) {
        acked += this.ackGroup(userId, m, req.status) ? 1 : 0;
        continue;
      }
      if (m === undefined || m.toUserId !== userId) continue;
      acked++;
      if (m.status >= level) continue;
      m.status = level;
      if (level === 4) {
        const key = `${userId}\u0000${m.chatId}`;
        this.readSeq.set(key, Math.max(this.readSeq.get(key) ?? 0, m.seq));
      }
      for (const c of this.connections) {
        if (c.userId === m.fromUserId) {
          this.push(c, HubMethods.MessageStatus, { msgId: m.msgId, chatId: m.chatId, status: req.status, byUserId: userId, time: 1 });
        }
      }
    }
    return { acked };
  }

  private ackGroup(userId: string, m: MessageDto, status: string): boolean {
    const group = this.groups.get(m.groupId ?? "");
    if (group?.members.has(userId) !== true) return false;
    if (status !== "Read") return true;
    const key = `${userId}\u0000${m.chatId}`;
    if ((this.readSeq.get(key) ?? 0) >= m.seq) return true;
    this.readSeq.set(key, m.seq);
    for (const c of this.connections) {
      if (group.members.has(c.userId)) this.push(c, HubMethods.GroupRead, { chatId: m.chatId, userId, readSeq: m.seq });
    }
    return true;
  }

  private sync(userId: string, req: SyncRequest): SyncResult {
    const limit = Math.min(req.limit ?? 100, 200);
    const mine = this.messages.filter((m) => this.visibleTo(userId, m));
    const maxSeqByChat: Record<string, number> = {};
    for (const m of mine) maxSeqByChat[m.chatId] = Math.max(maxSeqByChat[m.chatId] ?? 0, m.seq);
    let list: MessageDto[];
    if (req.chatId == null) {
      list = mine.filter((m) => m.groupId == null && m.toUserId === userId && m.status < 3);
    } else {
      const after = req.afterSeq ?? 0;
      list = mine.filter((m) => m.chatId === req.chatId && m.seq > after);
    }
    list.sort((a, b) => (a.chatId === b.chatId ? a.seq - b.seq : a.chatId < b.chatId ? -1 : 1));
    return { messages: list.slice(0, limit).map((m) => ({ ...m })), hasMore: list.length > limit, maxSeqByChat };
  }

  private history(req: HistoryRequest): { messages: MessageDto[]; hasMore: boolean } {
    const limit = Math.min(req.limit ?? 50, 200);
    const before = req.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const list = this.messages.filter((m) => m.chatId === req.chatId && m.seq < before).sort((a, b) => a.seq - b.seq);
    return { messages: list.slice(-limit).map((m) => ({ ...m })), hasMore: list.length > limit };
  }

  private conversations(userId: string): ConversationDto[] {
    const chats = new Map<string, ConversationDto>();
    for (const m of this.messages) {
      if (m.groupId != null || (m.fromUserId !== userId && m.toUserId !== userId)) continue;
      const peer = (m.fromUserId === userId ? m.toUserId : m.fromUserId) ?? "";
      const readSeq = this.readSeq.get(`${userId}\u0000${m.chatId}`) ?? 0;
      const c = chats.get(m.chatId) ?? { chatId: m.chatId, peerUserId: peer ?? null, lastMessage: null, lastSeq: 0, readSeq, unread: 0, mentionedMe: false };
      c.lastSeq = Math.max(c.lastSeq, m.seq);
      c.lastMessage = m;
      if (m.toUserId === userId && m.seq > readSeq) c.unread++;
      chats.set(m.chatId, c);
    }
    for (const group of this.groups.values()) {
      const joinSeq = group.members.get(userId);
      if (joinSeq === undefined) continue;
      const chatId = group.dto.chatId;
      const readSeq = Math.max(joinSeq, this.readSeq.get(`${userId}\u0000${chatId}`) ?? 0);
      const visible = this.messages.filter((m) => m.chatId === chatId && m.seq > joinSeq);
      const last = visible.at(-1) ?? null;
      const unread = visible.filter((m) => m.fromUserId !== userId && m.seq > readSeq).length;
      chats.set(chatId, { chatId, peerUserId: null, lastMessage: last, lastSeq: last?.seq ?? 0, readSeq, unread, groupId: group.dto.groupId, groupName: group.dto.name, mentionedMe: false });
    }
    return [...chats.values()];
  }

  /** Adds members as another device of `by` would; they see the group's seqs after the current one. */
  addMembersAs(groupId: string, userIds: string[]): void {
    const group = this.groups.get(groupId);
    if (group === undefined) throw new Error("no such group");
    const current = this.seqByChat.get(group.dto.chatId) ?? 0;
    for (const id of userIds) if (!group.members.has(id)) group.members.set(id, current);
    group.dto.memberCount = group.members.size;
  }

  /** Raises a member's read cursor as their other device would. */
  readAs(userId: string, chatId: string, seq: number): void {
    this.readSeq.set(`${userId}\u0000${chatId}`, seq);
  }
}
