import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (clients/ts/test/support → four levels up). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
export const hubDll = join(repoRoot, "src", "Hub", "bin", "Release", "net10.0", "ImSignalR.Hub.dll");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The real hub as a child process (embedded mode: SQLite in a temp dir), started from the Release build.
 * Build it first: `dotnet build src/Hub -c Release`.
 */
export class HubProcess {
  private child: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(join(tmpdir(), "imsignalr-ts-"));
  private output = "";
  url = "";

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  async start(): Promise<void> {
    if (!existsSync(hubDll)) throw new Error(`${hubDll} not found: run 'dotnet build src/Hub -c Release' first`);
    // A restart keeps the port (and the data folder), so clients reconnect to the same address.
    if (this.url === "") this.url = `http://127.0.0.1:${await freePort()}`;
    this.child = spawn("dotnet", [hubDll], {
      // The content root is the project folder, so wwwroot (the demo page) is served.
      cwd: join(repoRoot, "src", "Hub"),
      env: {
        ...process.env,
        ASPNETCORE_URLS: this.url,
        // appsettings.json has "Urls", which wins over ASPNETCORE_URLS; a plain env var wins over both.
        Urls: this.url,
        ASPNETCORE_ENVIRONMENT: "Development",
        Im__Store__ConnectionString: `Data Source=${join(this.dataDir, "im.db")}`,
        ...this.extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`hub exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.output}`);
      }
      try {
        const res = await fetch(`${this.url}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const log = this.output;
    await this.stop();
    throw new Error(`hub not ready within 60 s:\n${log}`);
  }

  /** The last lines the hub printed (for failure messages). */
  get log(): string {
    return this.output;
  }

  /** Stops the process (SIGTERM, graceful) and starts it again on the same port with the same data. */
  async restart(): Promise<void> {
    await this.terminate();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.terminate();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      clearTimeout(timer);
    }
  }
}

/** A dev token from the hub. */
export async function devToken(baseUrl: string, userId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`dev token for ${userId}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; userId: string; expiresAt: number };
  return body.token;
}
