/**
 * Stable `IM_…` error codes sent by the hub (wire names of the server's `ImErrorCode`), plus the codes the
 * SDK itself raises. `test/contracts.test.ts` checks this list against the C# enum.
 */
export const ServerErrorCodes = [
  "IM_INVALID_ARGUMENT",
  "IM_INVALID_USER_ID",
  "IM_INVALID_CLIENT_MSG_ID",
  "IM_INVALID_RECIPIENT",
  "IM_INVALID_MSG_FORMAT",
  "IM_INVALID_CHAT_ID",
  "IM_INVALID_MSG_ID",
  "IM_INVALID_STATUS",
  "IM_CONTENT_TOO_LARGE",
  "IM_EXT_TOO_LARGE",
  "IM_PAGE_TOO_LARGE",
  "IM_TOO_MANY_IDS",
  "IM_RATE_LIMITED",
  "IM_TOO_MANY_CONNECTIONS",
  "IM_FORBIDDEN",
  "IM_UNAUTHORIZED",
  "IM_NOT_FOUND",
  "IM_SEND_IN_PROGRESS",
  "IM_STORE_UNAVAILABLE",
  "IM_LOG_UNAVAILABLE",
  "IM_STATE_UNAVAILABLE",
  "IM_SHUTTING_DOWN",
  "IM_INTERNAL",
  "IM_CONTENT_BLOCKED",
  "IM_BLOCKED",
  "IM_RECALL_WINDOW_PASSED",
  "IM_OWNER_MUST_TRANSFER",
  "IM_GROUP_LIMIT_EXCEEDED",
  "IM_GROUP_DISMISSED",
] as const;

/** A code the hub can put at the start of a `HubException` message. */
export type ServerErrorCode = (typeof ServerErrorCodes)[number];

/** Codes raised by the SDK: the connection dropped mid-call, the client was stopped, or its storage failed. */
export type ClientErrorCode = "IM_CONNECTION_LOST" | "IM_CLIENT_STOPPED" | "IM_STORAGE_FAILED";

/** Every code an {@link ImError} can carry. */
export type ImErrorCode = ServerErrorCode | ClientErrorCode;

/** Server codes meaning "nothing was accepted; the same request may succeed later". */
export const RetriableServerCodes: ReadonlySet<ServerErrorCode> = new Set<ServerErrorCode>([
  "IM_STORE_UNAVAILABLE",
  "IM_LOG_UNAVAILABLE",
  "IM_STATE_UNAVAILABLE",
  "IM_SEND_IN_PROGRESS",
  "IM_RATE_LIMITED",
  "IM_SHUTTING_DOWN",
]);

/** Whether a request that failed with `code` may be sent again unchanged. */
export function isRetriableCode(code: ImErrorCode): boolean {
  return code === "IM_CONNECTION_LOST" || RetriableServerCodes.has(code as ServerErrorCode);
}

const knownServerCodes: ReadonlySet<string> = new Set<string>(ServerErrorCodes);

/** Finds the `IM_…` code in a hub error message (the client may prefix it with its own text). */
export function parseServerErrorCode(message: string): ServerErrorCode | undefined {
  const match = /(?:^|\s)(IM_[A-Z0-9_]+):/.exec(message);
  const code = match?.[1];
  return code !== undefined && knownServerCodes.has(code) ? (code as ServerErrorCode) : undefined;
}
