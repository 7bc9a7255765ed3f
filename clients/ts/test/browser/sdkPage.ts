// A bare page around the SDK for the storage tests, bundled by storage.browser.test.ts and served at the
// hub's origin (so it shares IndexedDB, Web Locks and BroadcastChannel with the other tabs of the test).
// `?user=<id>` signs in at load, so a reload resumes on its own, as an app would.
import { ImChatClient, IndexedDbClientStorage } from "../../src/index.js";

interface PageApi {
  received: string[];
  sent: { clientMsgId: string; content: string; duplicate: boolean }[];
  settled: Record<string, string>;
  errors: string[];
  state(): string;
  pending(): number;
  send(toUserId: string, content: string): string;
}

const userId = new URLSearchParams(location.search).get("user") ?? "";
// `?user=` empty: a page with the storage class only (no client), for the contract test.
let token: { token: string; expiresAt: number } | undefined;
async function freshToken(): Promise<string> {
  if (token === undefined || token.expiresAt - Date.now() < 60_000) {
    const res = await fetch("/api/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    if (!res.ok) throw new Error(`dev token: HTTP ${res.status}`);
    token = (await res.json()) as { token: string; expiresAt: number };
  }
  return token.token;
}

// No automatic Delivered acks: a message the server still counts as undelivered comes back in every
// catch-up, so only the persisted cursor and dedupe window keep a reload from handing it over again.
const client = new ImChatClient({ url: location.origin, userId, accessTokenFactory: freshToken, autoAckDelivered: false });
const api: PageApi = {
  received: [],
  sent: [],
  settled: {},
  errors: [],
  state: () => client.connectionState,
  pending: () => client.pendingSends,
  send(toUserId, content) {
    const clientMsgId = crypto.randomUUID();
    client.sendC2C({ toUserId, content, clientMsgId }).then(
      (r) => (api.settled[clientMsgId] = r.duplicate ? "duplicate" : "sent"),
      (e: unknown) => (api.settled[clientMsgId] = `failed: ${String(e)}`),
    );
    return clientMsgId;
  },
};
client.on("message", (m) => api.received.push(m.content));
client.on("sent", ({ request, result }) => api.sent.push({ clientMsgId: request.clientMsgId, content: request.content, duplicate: result.duplicate }));
client.on("error", (e) => api.errors.push(`${e.code}: ${e.message}`));
(globalThis as unknown as { im: PageApi }).im = api;
// The storage class itself, for the contract test (a database of its own, not the client's).
(globalThis as unknown as { IndexedDbClientStorage: typeof IndexedDbClientStorage }).IndexedDbClientStorage = IndexedDbClientStorage;
if (userId !== "") void client.connect();
