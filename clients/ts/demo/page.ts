// Page services of the demo with no chat state: the dev sign-in token and the toast line.
import { $ } from "./model.js";

/** A dev token from the hub (`Im:Auth:DevTokens`, on in embedded mode). */
export async function fetchToken(userId: string): Promise<{ token: string; expiresAt: number }> {
  const res = await fetch("/api/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; expiresAt: number };
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows `text` in the page's toast line for 4 s. */
export function toast(text: string): void {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  if (toastTimer !== undefined) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 4000);
}
