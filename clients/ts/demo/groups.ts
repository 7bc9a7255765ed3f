// Group chat on the demo page: the wording of membership notices and of "read by N of M", kept pure so the
// page's logic stays in app.ts.
import { GroupSystemFormat } from "../src/index.js";
import type { Conversation } from "./model.js";

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
