import { AckBatcher } from "./AckBatcher.js";
import { BackoffRetryPolicy } from "./BackoffRetryPolicy.js";
import { isGroupSend, type ClientStorage, type OutboxRequest } from "./ClientStorage.js";
import type { ConnectionState, HubTransport } from "./HubTransport.js";
import { GroupCursors } from "./GroupCursors.js";
import { ImChatClientGroupCalls } from "./ImChatClient.groups.js";
import { ImError } from "./ImError.js";
import type { ImChatClientOptions } from "./ImChatClientOptions.js";
import { MessageSequencer } from "./MessageSequencer.js";
import {
  chatIdFor,
  groupIdOf,
  HubMethods,
  Limits,
  MsgFormat,
  StoredStatus,
  type AckResult,
  type AckStatus,
  type GroupReadEvent,
  type SendGroupRequest,
  type HistoryResult,
  type MessageDto,
  type MessageStatusEvent,
  type MessageRecalledEvent,
  type SendC2CRequest,
  type SendC2CResult,
  type SyncResult,
  type TypingEvent,
} from "./models.js";
import { Outbox } from "./Outbox.js";
import { SignalRHubTransport } from "./SignalRHubTransport.js";
import { SeenWriter } from "./SeenWriter.js";
import { Throttle } from "./Throttle.js";
import { UnreadTracker } from "./UnreadTracker.js";
import {
  normalizeGroupRead,
  normalizeMessage,
  normalizeRecalled,
  normalizeSync,
  stripUndefined,
} from "./wire.js";
import { defaultCoordinator, defaultStorage, newClientMsgId } from "./clientDefaults.js";
import type { SendGroupOptions, SendOptions } from "./ImChatClientEvents.js";

export type { ImChatClientEvents, SendGroupOptions, SendOptions } from "./ImChatClientEvents.js";

/**
 * The ImSignalR chat client: a SignalR connection that reconnects forever, catches up from the last seen
 * seq of every conversation after each (re)connect, hands each message to the app once and in order,
 * acks deliveries in batches, and sends through a persistent outbox that resends until confirmed.
 *
 * @example
 * const client = new ImChatClient({ url: "http://localhost:5000", userId: "alice", accessTokenFactory: () => token });
 * client.on("message", (m) => console.log(m.fromUserId, m.content));
 * await client.connect();
 * await client.sendC2C({ toUserId: "bob", content: "hi" });
 */
export class ImChatClient extends ImChatClientGroupCalls {
  /** The signed-in user. */
  readonly userId: string;
  private readonly transport: HubTransport;
  private readonly storage: ClientStorage;
  private readonly retry: BackoffRetryPolicy;
  private readonly acks: AckBatcher;
  private readonly outbox: Outbox;
  private readonly sequencer: MessageSequencer;
  private readonly autoAck: boolean;
  private readonly pageSize: number;
  private readonly unread: UnreadTracker;
  private readonly groups: GroupCursors;
  /** Typing calls per chat at most every 2 s, as the hub's own limit. */
  private readonly typingThrottle = new Throttle(2000);
  private currentState: ConnectionState = "disconnected";
  private running = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restartAttempts = 0;
  private firstConnect: { resolve: () => void; reject: (e: ImError) => void } | undefined;
  private restored: Promise<void> | undefined;
  private catchUpRun = 0;
  private readonly dedupeCapacity: number;
  private readonly seenWriter: SeenWriter;

  constructor(options: ImChatClientOptions) {
    super();
    this.userId = options.userId;
    this.storage = options.storage ?? defaultStorage();
    this.dedupeCapacity = options.dedupeCapacity ?? 10_000;
    this.seenWriter = new SeenWriter(this.storage, this.userId, this.dedupeCapacity, (error) =>
      this.emit("error", ImError.fromInvocationError(error)),
    );
    this.unread = new UnreadTracker(this.userId, (chatId) => this.readSeq(chatId));
    this.retry = new BackoffRetryPolicy(options.reconnect);
    this.autoAck = options.autoAckDelivered ?? true;
    this.pageSize = Math.min(options.syncPageSize ?? Limits.MaxPage, Limits.MaxPage);
    this.transport =
      options.transport ??
      new SignalRHubTransport({
        url: options.url,
        accessTokenFactory: options.accessTokenFactory,
        protocol: options.protocol ?? "json",
        retryPolicy: this.retry,
        ...(options.logger !== undefined ? { logger: options.logger } : {}),
      });
    this.acks = new AckBatcher(
      async (status, msgIds) => {
        await this.invoke<AckResult>(HubMethods.Ack, { msgIds, status });
      },
      {
        ...(options.ackIntervalMs !== undefined ? { intervalMs: options.ackIntervalMs } : {}),
        ...(options.ackMaxPending !== undefined ? { maxPending: options.ackMaxPending } : {}),
      },
      (error) => this.emit("error", error),
    );
    this.outbox = new Outbox({
      storage: this.storage,
      userId: this.userId,
      backoff: this.retry,
      send: (request) => this.sendOnce(request),
      onSent: (request, result) => this.onSent(request, result),
      onFailed: (request, error) => this.emit("sendFailed", { request, error }),
      coordinator: options.outboxCoordinator ?? defaultCoordinator(this.storage),
    });
    this.sequencer = new MessageSequencer(
      {
        fetchAfter: async (chatId, afterSeq) =>
          normalizeSync(await this.invoke<SyncResult>(HubMethods.SyncMessages, { chatId, afterSeq, limit: this.pageSize })),
        fetchUndelivered: async () => {
          const page = normalizeSync(await this.invoke<SyncResult>(HubMethods.SyncMessages, { limit: this.pageSize }));
          await this.groups.startNewGroups(page);
          return page;
        },
        afterUndeliveredPage: () => this.acks.flush(),
        deliver: (message) => this.onDeliver(message),
        duplicate: (message) => this.maybeAckDelivered(message),
        cursorMoved: (chatId, seq) => {
          this.storage.saveCursor(this.userId, chatId, seq).catch(() => {});
        },
        syncFailed: (_chatId, error) => this.emit("error", ImError.fromInvocationError(error)),
        seenAdded: (msgId) => this.seenWriter.add(msgId),
      },
      {
        dedupeCapacity: this.dedupeCapacity,
      },
    );
    this.groups = new GroupCursors({
      userId: this.userId,
      storage: this.storage,
      sequencer: this.sequencer,
      invoke: (method, ...args) => this.invoke(method, ...args),
      connected: () => this.currentState === "connected",
      tailCheckMs: options.groupTailCheckMs ?? 30_000,
    });
    // Nothing is handed over before the first catch-up has set each conversation's starting point.
    this.sequencer.hold();
    this.transport.on(HubMethods.ReceiveC2C, (arg) => this.sequencer.accept(normalizeMessage(arg as MessageDto)));
    // Group messages join the same per-conversation stream: ordered and deduplicated by their group's seq.
    this.transport.on(HubMethods.ReceiveGroup, (arg) => this.sequencer.accept(normalizeMessage(arg as MessageDto)));
    this.transport.on(HubMethods.GroupRead, (arg) => {
      const event = normalizeGroupRead(arg as GroupReadEvent);
      if (event.userId === this.userId) this.groups.raise(event.chatId, event.readSeq);
      this.emit("groupRead", event);
    });
    this.transport.on(HubMethods.Typing, (arg) => this.emit("typing", arg as TypingEvent));
    this.transport.on(HubMethods.MessageRecalled, (arg) => this.emit("recalled", normalizeRecalled(arg as MessageRecalledEvent)));
    this.transport.on(HubMethods.MessageStatus, (arg) => {
      const event = arg as MessageStatusEvent;
      this.emit("status", { ...event, time: Number(event.time) });
    });
    this.transport.setEvents({
      reconnecting: () => this.onDown("reconnecting"),
      reconnected: () => this.onUp(true),
      closed: () => this.onClosed(),
    });
  }

  /** The current connection state. */
  get connectionState(): ConnectionState {
    return this.currentState;
  }

  /** Sends waiting in the outbox. */
  get pendingSends(): number {
    return this.outbox.size;
  }

  /** The newest seq handed to the app in a conversation. */
  lastSeq(chatId: string): number | undefined {
    return this.sequencer.cursorOf(chatId);
  }

  /**
   * Connects and keeps the connection up until {@link stop}. Resolves once connected the first time (the
   * catch-up sync then runs; listen to `synced`). Failed attempts are retried with backoff.
   */
  connect(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    return new Promise<void>((resolve, reject) => {
      this.firstConnect = { resolve, reject };
      void this.attemptStart();
    });
  }

  /** Closes the connection. Unconfirmed sends stay in storage; their promises reject with `IM_CLIENT_STOPPED`. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.firstConnect?.reject(new ImError("IM_CLIENT_STOPPED", "The client was stopped."));
    this.firstConnect = undefined;
    this.groups.stopTailChecks();
    this.acks.pause();
    this.outbox.stop();
    this.sequencer.stop();
    await this.seenWriter.flush();
    await this.transport.stop();
    this.setState("disconnected");
  }

  /**
   * Queues a message and resolves with the server's result once it is durable. A lost connection or a
   * retriable error resends it (same `clientMsgId`); messages to one peer are sent in call order.
   * Rejects with an {@link ImError} when the server refuses it.
   */
  sendC2C(options: SendOptions): Promise<SendC2CResult> {
    const request: SendC2CRequest = {
      clientMsgId: options.clientMsgId ?? newClientMsgId(),
      toUserId: options.toUserId,
      content: options.content,
      msgFormat: options.msgFormat ?? MsgFormat.Text,
      ...(options.ext !== undefined ? { ext: options.ext } : {}),
    };
    return this.outbox.enqueue(request);
  }

  /**
   * Queues a group message; like {@link sendC2C} (same outbox, same idempotent `clientMsgId`, resent until
   * confirmed), and messages to one group are sent in call order.
   */
  sendGroup(options: SendGroupOptions): Promise<SendC2CResult> {
    const request: SendGroupRequest = {
      clientMsgId: options.clientMsgId ?? newClientMsgId(),
      groupId: options.groupId,
      content: options.content,
      msgFormat: options.msgFormat ?? MsgFormat.Text,
      ...(options.ext !== undefined ? { ext: options.ext } : {}),
      ...(options.mentions !== undefined && options.mentions.length > 0 ? { mentions: [...options.mentions] } : {}),
    };
    return this.outbox.enqueue(request);
  }

  /** This user's read cursor in a group as far as this client knows (raised by its acks and its other devices'). */
  readSeq(chatId: string): number {
    return this.groups.readSeq(chatId);
  }

  /**
   * Marks messages read: every peer message this client has seen up to `upTo` (a seq), or exactly the given
   * msgIds. Sent at once (batched with other pending acks).
   */
  async markRead(chatId: string, upTo: number | readonly string[]): Promise<void> {
    const { ids, newest } = this.unread.take(chatId, upTo);
    if (ids.length === 0) return;
    if (groupIdOf(chatId) !== undefined && newest !== undefined) {
      // A group's read state is one cursor: acking its newest message raises it past every older one.
      this.groups.raise(chatId, newest.seq);
      this.acks.enqueue("Read", [newest.msgId]);
    } else {
      this.acks.enqueue("Read", ids);
    }
    await this.acks.flush();
  }

  /** Acks ids with a status directly (normally not needed: deliveries are acked automatically). */
  async ack(msgIds: readonly string[], status: AckStatus): Promise<void> {
    this.acks.enqueue(status, msgIds);
    await this.acks.flush();
  }

  /** A page of older messages (ascending); `hasMore` means older ones exist. Peer messages count as unread until marked. */
  async getHistory(chatId: string, beforeSeq?: number, limit?: number): Promise<HistoryResult> {
    const result = await this.invoke<HistoryResult>(
      HubMethods.GetHistory,
      stripUndefined({ chatId, beforeSeq, limit: Math.min(limit ?? 50, Limits.MaxPage) }),
    );
    const messages = result.messages.map(normalizeMessage);
    for (const m of messages) this.unread.track(m);
    return { messages, hasMore: result.hasMore };
  }

  /**
   * Tells the peer of `chatId` that this user is typing. Throttled here to one call per chat per 2 s (the hub
   * drops more anyway); call it on every keystroke. Best effort: failures are ignored.
   */
  typing(chatId: string): void {
    if (!this.typingThrottle.pass(chatId) || this.currentState !== "connected") return;
    this.transport.invoke<void>(HubMethods.Typing, { chatId }).catch(() => undefined);
  }

  /** The conversation id of this user and `peerUserId`. */
  chatIdWith(peerUserId: string): string {
    return chatIdFor(this.userId, peerUserId);
  }

  /** Resolves when the next catch-up sync completes (or at once if connected and idle). */
  waitForSync(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.on("synced", () => {
        off();
        resolve();
      });
    });
  }

  private sendOnce(request: OutboxRequest): Promise<SendC2CResult> {
    return isGroupSend(request)
      ? this.invoke<SendC2CResult>(HubMethods.SendGroup, stripUndefined(request))
      : this.invoke<SendC2CResult>(HubMethods.SendC2C, stripUndefined(request));
  }

  protected override async invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return await this.transport.invoke<T>(method, ...args);
    } catch (error) {
      throw ImError.fromInvocationError(error);
    }
  }

  private async attemptStart(): Promise<void> {
    if (!this.running) return;
    this.setState(this.restartAttempts === 0 && this.firstConnect !== undefined ? "connecting" : "reconnecting");
    try {
      this.restored ??= this.restore();
      await this.restored;
      await this.transport.start();
    } catch (error) {
      if (!this.running) return;
      this.restartAttempts++;
      this.emit("error", ImError.fromInvocationError(error));
      this.setState("reconnecting");
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        void this.attemptStart();
      }, Math.max(250, this.retry.delayFor(this.restartAttempts)));
      return;
    }
    const reconnect = this.firstConnect === undefined;
    this.restartAttempts = 0;
    this.firstConnect?.resolve();
    this.firstConnect = undefined;
    this.onUp(reconnect);
  }

  private async restore(): Promise<void> {
    const cursors = await this.storage.loadCursors(this.userId);
    for (const [chatId, seq] of Object.entries(cursors)) this.sequencer.restoreCursor(chatId, seq);
    if (this.storage.loadSeen !== undefined) this.sequencer.restoreSeen(await this.storage.loadSeen(this.userId, this.dedupeCapacity));
    await this.outbox.restore();
  }

  private onUp(reconnect: boolean): void {
    if (!this.running) return;
    this.setState("connected");
    this.acks.resume();
    this.outbox.connectionUp();
    this.groups.startTailChecks();
    const run = ++this.catchUpRun;
    this.sequencer
      .catchUp()
      .then(() => {
        if (run === this.catchUpRun && this.currentState === "connected") this.emit("synced", { reconnect });
      })
      .catch((error: unknown) => this.emit("error", ImError.fromInvocationError(error)));
  }

  private onDown(state: ConnectionState): void {
    this.groups.stopTailChecks();
    this.sequencer.hold();
    this.acks.pause();
    this.outbox.connectionDown();
    this.setState(state);
  }

  private onClosed(): void {
    this.onDown(this.running ? "reconnecting" : "disconnected");
    if (!this.running || this.restartTimer !== undefined) return;
    // SignalR gave up (or the server closed us without reconnect): keep trying ourselves.
    this.restartAttempts = Math.max(1, this.restartAttempts);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.attemptStart();
    }, Math.max(250, this.retry.delayFor(this.restartAttempts)));
  }

  private onSent(request: OutboxRequest, result: SendC2CResult): void {
    this.emit("sent", { request, result });
    const group = isGroupSend(request);
    // Own messages take a seq too: feeding them in keeps gap detection exact and the timeline complete.
    this.sequencer.accept({
      msgId: String(result.msgId),
      clientMsgId: request.clientMsgId,
      chatId: result.chatId,
      seq: Number(result.seq),
      fromUserId: this.userId,
      toUserId: group ? null : request.toUserId,
      groupId: group ? request.groupId : null,
      mentions: group ? (request.mentions ?? null) : null,
      content: request.content,
      msgFormat: request.msgFormat,
      ext: request.ext ?? null,
      sendTime: Number(result.serverTime),
      status: StoredStatus.Reached,
      recalled: false,
    });
  }

  private onDeliver(message: MessageDto): void {
    this.unread.track(message);
    this.emit("message", message);
    this.maybeAckDelivered(message);
  }

  private maybeAckDelivered(message: MessageDto): void {
    // Group messages are not acked Delivered: the hub accepts such acks and changes nothing (read diffusion).
    if (this.autoAck && message.toUserId === this.userId && message.fromUserId !== this.userId && message.status < StoredStatus.Delivered) {
      this.acks.enqueue("Delivered", [message.msgId]);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit("connectionState", state);
  }
}
