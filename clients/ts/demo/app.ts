// The demo chat page served by the hub at `/`. Bundled with the SDK into src/Hub/wwwroot/app.js
// by `npm run build:demo`.
import { groupIdOf, ImChatClient, ImError, peerOf, StoredStatus, type ConnectionState, type MessageDto } from "../src/index.js";
import { isSystemFormat, onGroupRead, readLabel, refreshGroups, seedReceipts, systemText, wireGroupForms, type GroupHost } from "./groups.js";
import { fetchToken, toast } from "./page.js";
import { $, lastTime, PRESENCE_POLL_MS, previewOf, RECALL_OFFERED_MS, tickFor, TYPING_SHOWN_MS, type Conversation, type View } from "./model.js";

const protocol = new URLSearchParams(location.search).get("protocol") === "messagepack" ? "messagepack" : "json";
const conversations = new Map<string, Conversation>();
const statusByMsgId = new Map<string, number>();
let client: ImChatClient | undefined;
let me = "";
let openChatId: string | undefined;
const onlineByUser = new Map<string, boolean>();

function conversation(chatId: string): Conversation {
  let c = conversations.get(chatId);
  if (c === undefined) {
    c = {
      chatId,
      peer: peerOf(chatId, me) ?? chatId,
      preview: "",
      lastSeq: 0,
      unread: 0,
      messages: new Map(),
      oldestSeq: undefined,
      hasOlder: false,
      historyLoaded: false,
      typingUntil: 0,
      group: undefined,
      readSeqs: new Map(),
    };
    const groupId = groupIdOf(chatId);
    if (groupId !== undefined) c.group = { groupId, memberCount: 0 };
    conversations.set(chatId, c);
  }
  return c;
}

function addMessage(m: MessageDto, fromHistory: boolean): void {
  const c = conversation(m.chatId);
  const mine = m.fromUserId === me;
  c.messages.delete(`pending:${m.clientMsgId}`);
  const status = Math.max(m.status, statusByMsgId.get(m.msgId) ?? 0);
  // A recall seen before this copy (a sweeper replay, an older history page) wins over the copy's content.
  const recalled = m.recalled || c.messages.get(m.msgId)?.recalled === true;
  c.messages.set(m.msgId, {
    key: m.msgId,
    msgId: m.msgId,
    clientMsgId: m.clientMsgId,
    seq: m.seq,
    mine,
    content: m.content,
    time: m.sendTime,
    status,
    recalled,
    from: m.fromUserId,
    system: isSystemFormat(m.msgFormat),
  });
  // Membership changed: the member count behind "read by N of M" did too.
  if (c.group !== undefined && isSystemFormat(m.msgFormat) && !fromHistory) void refreshGroups(groupHost);
  c.oldestSeq = c.oldestSeq === undefined ? m.seq : Math.min(c.oldestSeq, m.seq);
  if (m.seq >= c.lastSeq) {
    c.lastSeq = m.seq;
    c.preview = isSystemFormat(m.msgFormat) ? systemText(m.content, me) : previewOf(mine, recalled, m.content);
  }
  if (!recalled && !mine && m.fromUserId === c.peer) c.typingUntil = 0; // the message they were typing arrived
  // A membership notice is not something to read: it never counts as unread.
  if (!fromHistory && !mine && !isSystemFormat(m.msgFormat) && m.status < StoredStatus.Read) {
    if (openChatId === m.chatId && document.visibilityState === "visible") void readUpTo(c);
    else c.unread++;
  }
}

function applyRecall(chatId: string, msgId: string, seq: number): void {
  const c = conversation(chatId);
  const v = c.messages.get(msgId);
  if (v !== undefined) {
    v.recalled = true;
    v.content = "";
  } else {
    // Not loaded yet: remember it so the copy that arrives later shows the placeholder.
    c.messages.set(msgId, { key: msgId, msgId, clientMsgId: "", seq, mine: false, content: "", time: 0, status: 0, recalled: true, from: "", system: false });
  }
  if (seq >= c.lastSeq) c.preview = previewOf(v?.mine ?? false, true, "");
}

async function recall(v: View): Promise<void> {
  if (client === undefined || v.msgId === undefined) return;
  try {
    const result = await client.recall(v.msgId);
    applyRecall(result.chatId, result.msgId, result.seq);
    renderConversations();
    renderMessages();
  } catch (e) {
    toast(e instanceof ImError ? `${e.code}: ${e.message}` : String(e));
  }
}

let presenceAskedAt = 0;

/** A message from a peer whose dot is grey: ask again now rather than at the next poll (at most every 2 s). */
function refreshPresenceSoon(peer: string): void {
  if (onlineByUser.get(peer) === true || Date.now() - presenceAskedAt < 2000) return;
  void refreshPresence();
}

async function refreshPresence(): Promise<void> {
  if (client === undefined) return;
  presenceAskedAt = Date.now();
  const peers = [...new Set([...conversations.values()].filter((c) => c.group === undefined).map((c) => c.peer))].slice(0, 200);
  if (peers.length === 0) return;
  try {
    for (const p of await client.getPresence(peers)) onlineByUser.set(p.userId, p.online);
  } catch {
    return; // best effort: the dots keep their last state
  }
  renderConversations();
  renderHeader();
}

function renderHeader(): void {
  if (openChatId === undefined) return;
  const c = conversation(openChatId);
  $("chat-peer").textContent = c.peer;
  $("chat-online").dataset["online"] = String(onlineByUser.get(c.peer) === true);
  $("chat-online").title = onlineByUser.get(c.peer) === true ? "online" : "offline";
  $("chat-typing").hidden = c.typingUntil <= Date.now();
  $("chat-online").hidden = c.group !== undefined;
  $("add-member-form").hidden = c.group === undefined;
  if (c.group !== undefined) $("group-members").textContent = `${c.group.memberCount} members`;
}

async function readUpTo(c: Conversation): Promise<void> {
  c.unread = 0;
  renderConversations();
  const peerIds = [...c.messages.values()].filter((v) => !v.mine && v.status < StoredStatus.Read && v.msgId !== undefined && v.time > 0);
  if (peerIds.length === 0 || client === undefined) return;
  try {
    await client.markRead(c.chatId, peerIds.map((v) => v.msgId as string).slice(-200));
    for (const v of peerIds) v.status = StoredStatus.Read;
  } catch (e) {
    toast(`mark read failed: ${(e as Error).message}`);
  }
}

function renderConversations(): void {
  const list = $("conversations");
  list.replaceChildren();
  const sorted = [...conversations.values()].sort((a, b) => lastTime(b) - lastTime(a) || a.peer.localeCompare(b.peer));
  for (const c of sorted) {
    const li = document.createElement("li");
    li.className = "conv" + (c.chatId === openChatId ? " active" : "") + (c.group !== undefined ? " group" : "");
    li.dataset["chatId"] = c.chatId;
    li.dataset["peer"] = c.peer;
    const peer = document.createElement("span");
    peer.className = "peer";
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.dataset["online"] = String(onlineByUser.get(c.peer) === true);
    // A group has no single peer to show online.
    if (c.group === undefined) peer.append(dot, c.peer);
    else peer.append(c.peer);
    const preview = document.createElement("span");
    preview.className = "preview";
    const typing = c.typingUntil > Date.now();
    preview.classList.toggle("typing", typing);
    preview.textContent = typing ? "typing…" : c.preview;
    li.append(peer, preview);
    if (c.unread > 0) {
      const badge = document.createElement("span");
      badge.className = "unread";
      badge.textContent = String(c.unread);
      li.append(badge);
    }
    li.addEventListener("click", () => void openChat(c.chatId));
    list.append(li);
  }
}

function renderMessages(keepScroll = false): void {
  if (openChatId === undefined) return;
  const c = conversation(openChatId);
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const heightBefore = box.scrollHeight;
  const list = $("message-list");
  list.replaceChildren();
  const views = [...c.messages.values()].filter((v) => v.time > 0 || !v.recalled).sort((a, b) => (a.seq || Infinity) - (b.seq || Infinity) || a.time - b.time);
  for (const v of views) {
    const li = document.createElement("li");
    if (v.system) {
      li.className = "msg system";
      li.dataset["seq"] = String(v.seq);
      li.textContent = systemText(v.content, me);
      list.append(li);
      continue;
    }
    const tick = tickFor(v);
    li.className = "msg" + (v.mine ? " mine" : "");
    li.dataset["seq"] = String(v.seq);
    li.dataset["status"] = v.mine ? tick.status : "";
    li.dataset["recalled"] = String(v.recalled);
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = v.recalled ? (v.mine ? "You recalled this message" : "This message was recalled") : v.content;
    if (c.group !== undefined && !v.mine) {
      const from = document.createElement("span");
      from.className = "from";
      from.textContent = v.from;
      li.append(from);
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = new Date(v.time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const receipt = v.mine && v.status > 0 ? readLabel(c, v.seq, me) : undefined;
    if (receipt !== undefined) {
      const r = document.createElement("span");
      r.className = "receipt";
      r.textContent = receipt;
      meta.append(r);
    } else if (v.mine) {
      const t = document.createElement("span");
      t.className = "tick";
      t.textContent = tick.text;
      t.title = tick.status;
      meta.append(t);
    }
    if (v.mine) {
      if (!v.recalled && v.msgId !== undefined && Date.now() - v.time < RECALL_OFFERED_MS) {
        const action = document.createElement("button");
        action.type = "button";
        action.className = "recall";
        action.textContent = "Recall";
        action.addEventListener("click", () => void recall(v));
        meta.append(action);
      }
    }
    li.append(text, meta);
    list.append(li);
  }
  $("load-older").hidden = !c.hasOlder;
  if (keepScroll) box.scrollTop = box.scrollHeight - heightBefore;
  else if (atBottom || views.length < 30) box.scrollTop = box.scrollHeight;
}

async function loadHistory(c: Conversation, before?: number): Promise<void> {
  if (client === undefined) return;
  const page = await client.getHistory(c.chatId, before, 30);
  for (const m of page.messages) addMessage(m, true);
  c.hasOlder = page.hasMore;
  c.historyLoaded = true;
  if (c.group !== undefined) await seedReceipts(groupHost, c);
}

async function openChat(chatId: string): Promise<void> {
  openChatId = chatId;
  const c = conversation(chatId);
  $("chat-empty").hidden = true;
  $("chat-view").hidden = false;
  renderHeader();
  renderConversations();
  renderMessages();
  if (!c.historyLoaded) {
    try {
      await loadHistory(c);
    } catch (e) {
      toast(`history failed: ${(e as Error).message}`);
    }
    renderMessages();
  }
  await readUpTo(c);
  renderMessages();
  $<HTMLInputElement>("composer-input").focus();
}

async function refreshConversations(): Promise<void> {
  if (client === undefined) return;
  const list = await client.getConversations();
  for (const dto of list) {
    const c = conversation(dto.chatId);
    c.peer = dto.peerUserId ?? dto.groupName ?? c.peer;
    c.unread = dto.chatId === openChatId ? 0 : dto.unread;
    if (dto.lastMessage != null && dto.lastSeq >= c.lastSeq) {
      c.lastSeq = dto.lastSeq;
      const last = dto.lastMessage;
      c.preview = isSystemFormat(last.msgFormat) ? systemText(last.content, me) : previewOf(last.fromUserId === me, last.recalled, last.content);
    }
  }
  await refreshGroups(groupHost);
  await refreshPresence();
}

function setConnectionState(state: ConnectionState): void {
  const el = $("conn-state");
  el.dataset["state"] = state;
  el.textContent = state;
}

async function signIn(userId: string): Promise<void> {
  let token = await fetchToken(userId);
  me = userId;
  client = new ImChatClient({
    url: location.origin,
    userId,
    protocol,
    // Called before every (re)connect: renew the dev token when it is close to expiry.
    accessTokenFactory: async () => {
      if (token.expiresAt - Date.now() < 60_000) token = await fetchToken(userId);
      return token.token;
    },
  });
  client.on("connectionState", setConnectionState);
  client.on("message", (m) => {
    addMessage(m, false);
    if (m.fromUserId !== me) refreshPresenceSoon(m.fromUserId);
    renderConversations();
    if (m.chatId === openChatId) renderMessages();
  });
  client.on("status", (s) => {
    const level = s.status === "Read" ? StoredStatus.Read : StoredStatus.Delivered;
    statusByMsgId.set(s.msgId, Math.max(level, statusByMsgId.get(s.msgId) ?? 0));
    const v = conversations.get(s.chatId)?.messages.get(s.msgId);
    if (v !== undefined) v.status = Math.max(v.status, level);
    if (s.chatId === openChatId) renderMessages();
  });
  client.on("recalled", (r) => {
    applyRecall(r.chatId, r.msgId, r.seq);
    renderConversations();
    if (r.chatId === openChatId) renderMessages();
  });
  client.on("typing", (t) => {
    const c = conversations.get(t.chatId);
    if (c === undefined || t.userId !== c.peer) return;
    c.typingUntil = Date.now() + TYPING_SHOWN_MS;
    renderConversations();
    renderHeader();
    // Repaint once the indicator is due to go away (a newer event pushes typingUntil further).
    setTimeout(() => {
      renderConversations();
      renderHeader();
    }, TYPING_SHOWN_MS + 50);
  });
  client.on("groupRead", (e) => onGroupRead(groupHost, conversations, e));
  setInterval(() => void refreshPresence(), PRESENCE_POLL_MS);
  client.on("synced", () => void refreshConversations().catch((e: unknown) => toast(String(e))));
  client.on("sendFailed", ({ request, error }) => toast(`not sent (${error.code}): ${request.content.slice(0, 40)}`));
  $("me").textContent = `signed in as ${userId}`;
  $("me").hidden = false;
  $("signin").hidden = true;
  $("app").hidden = false;
  await client.connect();
}

async function send(text: string): Promise<void> {
  if (client === undefined || openChatId === undefined) return;
  const c = conversation(openChatId);
  const clientMsgId = crypto.randomUUID();
  c.messages.set(`pending:${clientMsgId}`, {
    key: `pending:${clientMsgId}`,
    msgId: undefined,
    clientMsgId,
    seq: 0,
    mine: true,
    content: text,
    time: Date.now(),
    status: 0,
    recalled: false,
    from: me,
    system: false,
  });
  renderMessages();
  try {
    if (c.group !== undefined) await client.sendGroup({ groupId: c.group.groupId, content: text, clientMsgId });
    else await client.sendC2C({ toUserId: c.peer, content: text, clientMsgId });
  } catch (e) {
    const v = c.messages.get(`pending:${clientMsgId}`);
    if (v !== undefined) v.status = -1;
    toast(e instanceof ImError ? `${e.code}: ${e.message}` : String(e));
    renderMessages();
  }
}

$("signin-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const userId = $<HTMLInputElement>("user-id").value.trim();
  $<HTMLButtonElement>("sign-in").disabled = true;
  signIn(userId).catch((e: unknown) => {
    $("signin-error").textContent = (e as Error).message;
    $("signin-error").hidden = false;
    $<HTMLButtonElement>("sign-in").disabled = false;
  });
});

$("new-chat-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>("new-peer");
  const peer = input.value.trim();
  if (client === undefined || peer === "" || peer === me) return;
  input.value = "";
  void openChat(client.chatIdWith(peer)).then(() => refreshPresence());
});

const groupHost: GroupHost = {
  client: () => client,
  openChatId: () => openChatId,
  conversation,
  openChat,
  repaint: () => {
    renderConversations();
    renderHeader();
    renderMessages();
  },
  renderMessages: () => renderMessages(),
  toast,
  userList: (text) => [...new Set(text.split(/[\s,]+/).filter((u) => u !== "" && u !== me))],
};
wireGroupForms(groupHost);

$("composer-input").addEventListener("input", () => {
  // The SDK throttles this to one Typing call per chat per 2 s.
  if (client !== undefined && openChatId !== undefined) client.typing(openChatId);
});

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>("composer-input");
  const text = input.value;
  if (text.trim() === "") return;
  input.value = "";
  void send(text);
});

$("load-older").addEventListener("click", () => {
  if (openChatId === undefined) return;
  const c = conversation(openChatId);
  loadHistory(c, c.oldestSeq)
    .then(() => renderMessages(true))
    .catch((e: unknown) => toast(String(e)));
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && openChatId !== undefined) void readUpTo(conversation(openChatId)).then(() => renderMessages());
});
