/**
 * `@imsignalr/client`: the TypeScript SDK of ImSignalR (browsers and Node 20+).
 * Start with {@link ImChatClient}.
 * @packageDocumentation
 */
export { ImChatClient } from "./ImChatClient.js";
export type { ImChatClientEvents, SendGroupOptions, SendOptions } from "./ImChatClient.js";
export type { ImChatClientOptions } from "./ImChatClientOptions.js";
export { ImError, isImError } from "./ImError.js";
export {
  ServerErrorCodes,
  RetriableServerCodes,
  isRetriableCode,
  parseServerErrorCode,
  type ServerErrorCode,
  type ClientErrorCode,
  type ImErrorCode,
} from "./errorCodes.js";
export * from "./models.js";
export type { ConnectionState, HubTransport, HubTransportEvents } from "./HubTransport.js";
export { SignalRHubTransport, type SignalRTransportOptions } from "./SignalRHubTransport.js";
export { BackoffRetryPolicy, type BackoffOptions } from "./BackoffRetryPolicy.js";
export { isGroupSend, type ClientStorage, type OutboxEntry, type OutboxRequest } from "./ClientStorage.js";
export { MemoryClientStorage } from "./MemoryClientStorage.js";
export { IndexedDbClientStorage, type IndexedDbStorageOptions } from "./IndexedDbClientStorage.js";
export {
  SoloOutboxCoordinator,
  type OutboxCoordinator,
  type OutboxCoordinatorHandlers,
  type OutboxNotice,
} from "./OutboxCoordinator.js";
export { WebLocksOutboxCoordinator, type WebLocksCoordinatorOptions } from "./WebLocksOutboxCoordinator.js";
export { AckBatcher, type AckBatcherOptions, type AckSender } from "./AckBatcher.js";
export { Outbox, type OutboxDeps } from "./Outbox.js";
export { MessageSequencer, type SequencerDeps, type SequencerOptions } from "./MessageSequencer.js";
export { LruSet } from "./LruSet.js";
export { TypedEmitter } from "./TypedEmitter.js";
