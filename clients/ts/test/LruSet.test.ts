import { describe, expect, it } from "vitest";
import { LruSet } from "../src/LruSet.js";

describe("LruSet", () => {
  it("reports a key added twice as a duplicate", () => {
    const set = new LruSet(3);
    expect(set.add("a")).toBe(true);
    expect(set.add("a")).toBe(false);
    expect(set.has("a")).toBe(true);
  });

  it("forgets the least recently used key beyond its capacity", () => {
    const set = new LruSet(2);
    set.add("a");
    set.add("b");
    set.has("a"); // a is now the most recent
    set.add("c");
    expect(set.has("b")).toBe(false);
    expect(set.has("a")).toBe(true);
    expect(set.has("c")).toBe(true);
    expect(set.size).toBe(2);
  });

  it("rejects a capacity below one", () => {
    expect(() => new LruSet(0)).toThrow(RangeError);
  });
});
