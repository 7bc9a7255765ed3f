import { describe, expect, it } from "vitest";
import { Throttle } from "../src/Throttle.js";

describe("Throttle", () => {
  it("lets one pass per key per interval and forgets keys past its bound", () => {
    const t = new Throttle(2000, 2);
    expect(t.pass("a", 0)).toBe(true);
    expect(t.pass("a", 1999)).toBe(false);
    expect(t.pass("b", 1999)).toBe(true); // per key
    expect(t.pass("a", 2000)).toBe(true);
    expect(t.pass("c", 2001)).toBe(true); // the memory started over: at most 2 keys kept
    expect(t.pass("b", 2002)).toBe(true);
  });
});
