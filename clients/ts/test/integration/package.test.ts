import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImChatClient } from "../../src/index.js";
import { devToken, HubProcess } from "../support/HubProcess.js";

// The package as a user gets it: `npm pack`, installed into a scratch project, imported by its name
// from plain Node, sending through the real hub.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "imsignalr-pack-"));
const hub = new HubProcess();
let tarball = "";
let packedFiles: string[] = [];

beforeAll(async () => {
  // prepack builds dist/ first.
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: packageDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const report = JSON.parse(out.slice(out.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, report[0]!.filename);
  packedFiles = report[0]!.files.map((f) => f.path);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball], { cwd: scratch, stdio: "pipe" });
  await hub.start();
}, 180_000);

afterAll(async () => {
  await hub.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the packed npm package", () => {
  it("holds the build, types, README and license, and no tests", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json", "dist/index.js", "dist/index.d.ts", "dist/IndexedDbClientStorage.d.ts"]));
    expect(packedFiles.filter((p) => /(^|\/)test\/|\.test\.|vitest|demo\//.test(p))).toEqual([]);
  });

  it("installs into a scratch project and sends through the hub", async () => {
    const bobToken = await devToken(hub.url, "bob_pack");
    const bob = new ImChatClient({ url: hub.url, userId: "bob_pack", accessTokenFactory: () => bobToken });
    const received: string[] = [];
    bob.on("message", (m) => received.push(m.content));
    await bob.connect();
    try {
      const aliceToken = await devToken(hub.url, "alice_pack");
      const script = `
        import { ImChatClient, MemoryClientStorage } from "@imsignalr/client";
        const client = new ImChatClient({ url: process.argv[2], userId: "alice_pack", accessTokenFactory: () => process.argv[3] });
        await client.connect();
        const result = await client.sendC2C({ toUserId: "bob_pack", content: "from the packed package" });
        console.log(JSON.stringify({ seq: result.seq, duplicate: result.duplicate, memory: new MemoryClientStorage() instanceof MemoryClientStorage }));
        await client.stop();
      `;
      writeFileSync(join(scratch, "send.mjs"), script);
      const out = execFileSync("node", ["send.mjs", hub.url, aliceToken], { cwd: scratch, encoding: "utf8", timeout: 60_000 });
      expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({ seq: 1, duplicate: false, memory: true });
      await expect.poll(() => received, { timeout: 15_000 }).toEqual(["from the packed package"]);
      // The scratch project resolved the package from node_modules, not from this repository.
      expect(readdirSync(join(scratch, "node_modules", "@imsignalr", "client"))).toContain("dist");
    } finally {
      await bob.stop();
    }
  });
});
