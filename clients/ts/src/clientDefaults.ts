import type { ClientStorage } from "./ClientStorage.js";
import { IndexedDbClientStorage } from "./IndexedDbClientStorage.js";
import { MemoryClientStorage } from "./MemoryClientStorage.js";
import { SoloOutboxCoordinator, type OutboxCoordinator } from "./OutboxCoordinator.js";
import { WebLocksOutboxCoordinator } from "./WebLocksOutboxCoordinator.js";

// What an ImChatClient uses when its options leave a part out.

export function defaultStorage(): ClientStorage {
  return IndexedDbClientStorage.isAvailable() ? new IndexedDbClientStorage() : new MemoryClientStorage();
}

export function defaultCoordinator(storage: ClientStorage): OutboxCoordinator {
  // Memory storage is private to this client, so there is nobody to coordinate with.
  return !(storage instanceof MemoryClientStorage) && WebLocksOutboxCoordinator.isAvailable()
    ? new WebLocksOutboxCoordinator()
    : new SoloOutboxCoordinator();
}

export function newClientMsgId(): string {
  const c = globalThis.crypto;
  if (c !== undefined && typeof c.randomUUID === "function") return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
