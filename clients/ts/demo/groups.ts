// Group chat on the demo page: the wording of membership notices and of "read by N of M" (pure), and the
// group calls and forms of the page, which reach the page's state through a GroupHost.
import { GroupSystemFormat, ImError, type GroupDto, type GroupReadEvent, type ImChatClient } from "../src/index.js";
import { $, type Conversation } from "./model.js";

/** What the group part of the page needs from app.ts. */
export interface GroupHost {
  client(): ImChatClient | undefined;
  openChatId(): string | undefined;
  conversation(chatId: string): Conversation;
  openChat(chatId: string): Promise<void>;
  /** Repaints the conversation list, the open chat's header and its messages. */
  repaint(): void;
  renderMessages(): void;
  toast(text: string): void;
  /** User ids typed into a form (space or comma separated), without this user. */
  userList(text: string): string[];
}

/** Whether a message is a group's membership notice (msgFormat 201–206). */
export function isSystemFormat(msgFormat: number): boolean {
  return msgFormat >= GroupSystemFormat.MemberAdded && msgFormat <= GroupSystemFormat.Dismissed;
}

interface Change {
  type?: string;
  actor?: string;
  userIds?: string[];
  name?: string;
  role?: string;
}

/** The notice text of a system message, from its JSON content `{type, actor, userIds?, name?, role?}`. */
export function systemText(content: string, me: string): string {
  let change: Change;
  try {
    change = JSON.parse(content) as Change;
  } catch {
    return content;
  }
  const who = (id: string | undefined): string => (id === undefined ? "someone" : id === me ? "you" : id);
  // A creation lists the creator among the members: name the others only.
  const named = change.type === "created" ? (change.userIds ?? []).filter((u) => u !== change.actor) : (change.userIds ?? []);
  const users = named.map(who).join(", ");
  const actor = who(change.actor);
  switch (change.type) {
    case "created":
      return `${actor} created the group${users === "" ? "" : ` with ${users}`}`;
    case "added":
      return `${actor} added ${users}`;
    case "removed":
      return `${actor} removed ${users}`;
    case "left":
      return `${actor} left`;
    case "renamed":
      return `${actor} renamed the group to “${change.name ?? ""}”`;
    case "roleChanged":
      return `${actor} made ${users} ${change.role ?? "member"}`;
    case "dismissed":
      return `${actor} dismissed the group`;
    default:
      return content;
  }
}

/** "read by N of M" for one of this user's messages in a group: M is every other member. */
export function readLabel(c: Conversation, seq: number, me: string): string | undefined {
  if (c.group === undefined || seq <= 0) return undefined;
  let read = 0;
  for (const [userId, readSeq] of c.readSeqs) if (userId !== me && readSeq >= seq) read++;
  const others = Math.max(0, c.group.memberCount - 1);
  return `read by ${Math.min(read, others)} of ${others}`;
}

/** Raises a member's known read cursor (it never moves back). */
export function raiseRead(c: Conversation, userId: string, readSeq: number): void {
  if (readSeq > (c.readSeqs.get(userId) ?? 0)) c.readSeqs.set(userId, readSeq);
}

/** Who read this user's newest message in a group: a floor for each reader's cursor until GroupRead events move it. */
export async function seedReceipts(host: GroupHost, c: Conversation): Promise<void> {
  const client = host.client();
  const newestMine = [...c.messages.values()].filter((v) => v.mine && !v.system && v.seq > 0).sort((a, b) => b.seq - a.seq)[0];
  if (client === undefined || newestMine === undefined) return;
  try {
    const receipts = await client.getGroupReadReceipts(c.chatId, newestMine.seq);
    for (const reader of receipts.readers ?? []) raiseRead(c, reader, newestMine.seq);
  } catch {
    // best effort: GroupRead events still fill it in
  }
}

export function applyGroup(host: GroupHost, g: GroupDto): Conversation {
  const c = host.conversation(g.chatId);
  c.peer = g.name;
  c.group = { groupId: g.groupId, memberCount: g.memberCount };
  return c;
}

export async function refreshGroups(host: GroupHost): Promise<void> {
  const client = host.client();
  if (client === undefined) return;
  for (const g of await client.getGroups()) applyGroup(host, g);
  host.repaint();
}

/** A member's read cursor moved (a GroupRead event). */
export function onGroupRead(host: GroupHost, conversations: ReadonlyMap<string, Conversation>, e: GroupReadEvent): void {
  const c = conversations.get(e.chatId);
  if (c === undefined) return;
  raiseRead(c, e.userId, e.readSeq);
  if (e.chatId === host.openChatId()) host.renderMessages();
}

const failed = (host: GroupHost) => (e: unknown) => host.toast(e instanceof ImError ? `${e.code}: ${e.message}` : String(e));

/** The "new group" and "add member" forms. */
export function wireGroupForms(host: GroupHost): void {
  $("new-group-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const client = host.client();
    const name = $<HTMLInputElement>("new-group-name");
    const members = $<HTMLInputElement>("new-group-members");
    if (client === undefined || name.value.trim() === "") return;
    client
      .createGroup(name.value.trim(), host.userList(members.value))
      .then((g) => {
        name.value = "";
        members.value = "";
        return host.openChat(applyGroup(host, g).chatId);
      })
      .catch(failed(host));
  });

  $("add-member-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const client = host.client();
    const input = $<HTMLInputElement>("add-member");
    const chatId = host.openChatId();
    const c = chatId === undefined ? undefined : host.conversation(chatId);
    if (client === undefined || c?.group === undefined) return;
    client
      .addGroupMembers(c.group.groupId, host.userList(input.value))
      .then(() => {
        input.value = "";
        return refreshGroups(host);
      })
      .catch(failed(host));
  });
}
