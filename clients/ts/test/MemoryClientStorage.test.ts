import { describe, expect, it } from "vitest";
import { MemoryClientStorage } from "../src/MemoryClientStorage.js";

describe("MemoryClientStorage", () => {
  it("keeps the newest ids of the dedupe window per user, oldest first", async () => {
    const storage = new MemoryClientStorage();
    await storage.saveSeen("alice", ["m1", "m2", "m3"], 3);
    await storage.saveSeen("alice", ["m4"], 3);
    await storage.saveSeen("bob", ["x"], 3);
    expect(await storage.loadSeen("alice", 3)).toEqual(["m2", "m3", "m4"]);
    expect(await storage.loadSeen("alice", 2)).toEqual(["m3", "m4"]);
    expect(await storage.loadSeen("bob", 3)).toEqual(["x"]);
  });

  it("never moves a cursor back", async () => {
    const storage = new MemoryClientStorage();
    await storage.saveCursor("alice", "c", 5);
    await storage.saveCursor("alice", "c", 3);
    expect(await storage.loadCursors("alice")).toEqual({ c: 5 });
  });
});
