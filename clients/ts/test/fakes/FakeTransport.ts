import type { HubTransport, HubTransportEvents } from "../../src/HubTransport.js";
import type { FakeChatServer } from "./FakeChatServer.js";

/** A {@link HubTransport} wired to a {@link FakeChatServer}; the test drops and restores it at will. */
export class FakeTransport implements HubTransport {
  private readonly handlers = new Map<string, (arg: unknown) => void>();
  private events: HubTransportEvents | undefined;
  private pending = new Set<(error: Error) => void>();
  connected = false;
  /** Number of start() calls that must fail before one succeeds. */
  failStarts = 0;
  starts = 0;

  constructor(
    readonly server: FakeChatServer,
    readonly userId: string,
  ) {}

  start(): Promise<void> {
    this.starts++;
    if (this.failStarts > 0) {
      this.failStarts--;
      return Promise.reject(new Error("Failed to complete negotiation with the server: connect ECONNREFUSED"));
    }
    this.connected = true;
    this.server.connect(this);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.cut();
    return Promise.resolve();
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    if (!this.connected) return Promise.reject(new Error("Cannot send data if the connection is not in the 'Connected' State."));
    return new Promise<T>((resolve, reject) => {
      const cancel = (error: Error): void => reject(error);
      this.pending.add(cancel);
      // Answer on a later macrotask, like a network round trip, so pushes can interleave.
      setTimeout(() => {
        if (!this.pending.delete(cancel)) return;
        try {
          resolve(this.server.call(this.userId, method, args[0], this) as T);
        } catch (error) {
          reject(error as Error);
        }
      }, 0);
    });
  }

  on(event: string, handler: (arg: unknown) => void): void {
    this.handlers.set(event, handler);
  }

  setEvents(events: HubTransportEvents): void {
    this.events = events;
  }

  /** Server → client (called by the fake server). */
  deliver(event: string, arg: unknown): void {
    if (!this.connected) return;
    this.handlers.get(event)?.(arg);
  }

  /** The socket drops; the transport starts reconnecting (as SignalR's automatic reconnect does). */
  drop(): void {
    this.cut();
    this.events?.reconnecting(new Error("WebSocket closed with status code: 1006"));
  }

  /** The automatic reconnect succeeds. */
  reconnect(): void {
    this.connected = true;
    this.server.connect(this);
    this.events?.reconnected();
  }

  /** The connection closes for good (SignalR would not reconnect by itself). */
  close(): void {
    this.cut();
    this.events?.closed(new Error("Server timeout elapsed"));
  }

  private cut(): void {
    this.connected = false;
    this.server.disconnect(this);
    const pending = [...this.pending];
    this.pending.clear();
    for (const cancel of pending) cancel(new Error("Invocation canceled due to the underlying connection being closed."));
  }
}
