import type { ClientStorage, OutboxEntry } from "./ClientStorage.js";
import { ImError } from "./ImError.js";

/** Settings of {@link IndexedDbClientStorage}. */
export interface IndexedDbStorageOptions {
  /** Database name; default `imsignalr-client`. One database holds every user of the origin, keyed by user id. */
  databaseName?: string;
  /** The IndexedDB factory; default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory;
}

const Version = 1;
const Stores = { outbox: "outbox", cursors: "cursors", seen: "seen" } as const;
/** Index of `seen` by (userId, at): the dedupe window in insertion order, for loading and pruning. */
const SeenByAge = "byUserAge";

interface OutboxRow {
  userId: string;
  clientMsgId: string;
  entry: OutboxEntry;
}
interface CursorRow {
  userId: string;
  chatId: string;
  seq: number;
}
interface SeenRow {
  userId: string;
  msgId: string;
  at: number;
}

/**
 * {@link ClientStorage} in the browser's IndexedDB: the outbox, cursors and dedupe window survive a page
 * reload and are shared by every tab of the origin (the client's tab coordination keeps two tabs from
 * sending one entry twice). Each call is one IndexedDB transaction, so a write is durable once its promise
 * resolves. Failures reject with an {@link ImError} `IM_STORAGE_FAILED`.
 */
export class IndexedDbClientStorage implements ClientStorage {
  private readonly name: string;
  private readonly factory: IDBFactory | undefined;
  private db: Promise<IDBDatabase> | undefined;
  /** Orders dedupe-window rows written in the same millisecond. */
  private seenCounter = 0;

  constructor(options: IndexedDbStorageOptions = {}) {
    this.name = options.databaseName ?? "imsignalr-client";
    this.factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  }

  /** Whether this environment has IndexedDB (browsers, workers). */
  static isAvailable(): boolean {
    return typeof (globalThis as { indexedDB?: IDBFactory }).indexedDB !== "undefined";
  }

  async loadOutbox(userId: string): Promise<OutboxEntry[]> {
    const rows = await this.run<OutboxRow[]>(Stores.outbox, "readonly", (s) => s.getAll(userRange(userId)));
    return rows.map((r) => r.entry).sort((a, b) => a.order - b.order);
  }

  async putOutbox(userId: string, entry: OutboxEntry): Promise<void> {
    const row: OutboxRow = { userId, clientMsgId: entry.request.clientMsgId, entry };
    await this.run(Stores.outbox, "readwrite", (s) => s.put(row));
  }

  async deleteOutbox(userId: string, clientMsgId: string): Promise<void> {
    await this.run(Stores.outbox, "readwrite", (s) => s.delete([userId, clientMsgId]));
  }

  async loadCursors(userId: string): Promise<Record<string, number>> {
    const rows = await this.run<CursorRow[]>(Stores.cursors, "readonly", (s) => s.getAll(userRange(userId)));
    return Object.fromEntries(rows.map((r) => [r.chatId, r.seq]));
  }

  async saveCursor(userId: string, chatId: string, seq: number): Promise<void> {
    // Read and write in one transaction: two tabs moving one cursor can only raise it.
    await this.transaction(Stores.cursors, "readwrite", (tx) => {
      const store = tx.objectStore(Stores.cursors);
      const get = store.get([userId, chatId]);
      get.onsuccess = () => {
        const current = (get.result as CursorRow | undefined)?.seq ?? 0;
        if (seq > current) store.put({ userId, chatId, seq } satisfies CursorRow);
      };
    });
  }

  async loadSeen(userId: string, capacity: number): Promise<string[]> {
    const ids: string[] = [];
    // Newest first through the index, so only `capacity` rows are read however large the store got.
    await this.transaction(Stores.seen, "readonly", (tx) => {
      const request = tx.objectStore(Stores.seen).index(SeenByAge).openCursor(userRange(userId), "prev");
      request.onsuccess = () => {
        const cursor = request.result;
        if (cursor === null || ids.length >= capacity) return;
        ids.push((cursor.value as SeenRow).msgId);
        cursor.continue();
      };
    });
    return ids.reverse();
  }

  async saveSeen(userId: string, msgIds: readonly string[], capacity: number): Promise<void> {
    if (msgIds.length === 0) return;
    await this.transaction(Stores.seen, "readwrite", (tx) => {
      const store = tx.objectStore(Stores.seen);
      const base = Date.now() * 1000;
      for (const msgId of msgIds) store.put({ userId, msgId, at: base + (this.seenCounter++ % 1000) } satisfies SeenRow);
      // Forget the oldest beyond capacity: walk newest first and delete everything after `capacity` rows.
      let kept = 0;
      const request = store.index(SeenByAge).openCursor(userRange(userId), "prev");
      request.onsuccess = () => {
        const cursor = request.result;
        if (cursor === null) return;
        if (++kept > capacity) cursor.delete();
        cursor.continue();
      };
    });
  }

  /** Closes the database (a later call opens it again). */
  close(): void {
    const db = this.db;
    this.db = undefined;
    void db?.then((d) => d.close()).catch(() => {});
  }

  private open(): Promise<IDBDatabase> {
    if (this.db !== undefined) return this.db;
    const factory = this.factory;
    const opened = new Promise<IDBDatabase>((resolve, reject) => {
      if (factory === undefined) {
        reject(new ImError("IM_STORAGE_FAILED", "IndexedDB is not available here; pass storage: new MemoryClientStorage()."));
        return;
      }
      const request = factory.open(this.name, Version);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(Stores.outbox)) db.createObjectStore(Stores.outbox, { keyPath: ["userId", "clientMsgId"] });
        if (!db.objectStoreNames.contains(Stores.cursors)) db.createObjectStore(Stores.cursors, { keyPath: ["userId", "chatId"] });
        if (!db.objectStoreNames.contains(Stores.seen)) {
          db.createObjectStore(Stores.seen, { keyPath: ["userId", "msgId"] }).createIndex(SeenByAge, ["userId", "at"]);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema asks us to let go; the next call reopens.
        db.onversionchange = () => {
          db.close();
          if (this.db === opened) this.db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(storageError(`opening IndexedDB "${this.name}"`, request.error));
      request.onblocked = () => reject(new ImError("IM_STORAGE_FAILED", `IndexedDB "${this.name}" is blocked by another tab holding an older version open.`));
    });
    this.db = opened;
    // A failed open is not cached: the next call tries again.
    opened.catch(() => {
      if (this.db === opened) this.db = undefined;
    });
    return opened;
  }

  private async run<T>(store: string, mode: IDBTransactionMode, call: (s: IDBObjectStore) => IDBRequest): Promise<T> {
    let request: IDBRequest | undefined;
    await this.transaction(store, mode, (tx) => {
      request = call(tx.objectStore(store));
    });
    return request?.result as T;
  }

  /** Runs `body` in one transaction; resolves when it commits (so the write is durable), rejects when it aborts. */
  private async transaction(store: string, mode: IDBTransactionMode, body: (tx: IDBTransaction) => void): Promise<void> {
    const db = await this.open();
    await new Promise<void>((resolve, reject) => {
      let tx: IDBTransaction;
      try {
        // "strict" durability: the commit waits for the disk, as a queued message must survive a crash.
        tx = db.transaction(store, mode, mode === "readwrite" ? { durability: "strict" } : undefined);
      } catch (error) {
        reject(storageError(`starting a transaction on "${store}"`, error));
        return;
      }
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(storageError(`a transaction on "${store}"`, tx.error));
      body(tx);
    });
  }
}

/** Every key [userId, …] of one user: arrays sort after strings, so [userId, []] is above every [userId, string]. */
function userRange(userId: string): IDBKeyRange {
  return IDBKeyRange.bound([userId], [userId, []]);
}

function storageError(what: string, cause: unknown): ImError {
  const detail = cause instanceof Error || cause instanceof DOMException ? `${cause.name}: ${cause.message}` : String(cause);
  return new ImError("IM_STORAGE_FAILED", `IndexedDB failed ${what}: ${detail}`, { cause });
}
