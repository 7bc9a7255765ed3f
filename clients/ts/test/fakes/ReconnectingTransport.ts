import type { HubTransport, HubTransportEvents } from "../../src/HubTransport.js";

/**
 * A {@link HubTransport} whose every call fails at once while it is reconnecting, as SignalR refuses
 * invocations then. It counts those refused calls; past `spinLimit` it stops answering them (the promise
 * never settles), so a retry loop without delay shows up as a count in a failed assertion instead of a
 * frozen event loop.
 */
export class ReconnectingTransport implements HubTransport {
  private readonly handlers = new Map<string, (arg: unknown) => void>();
  private events: HubTransportEvents | undefined;
  private readonly pending = new Set<(error: Error) => void>();
  state: "connected" | "reconnecting" | "closed" = "closed";
  /** Calls refused because the transport was reconnecting. */
  refused = 0;
  /** Answers a call while connected; may push or drop through the transport before it resolves. */
  answer: (method: string, arg: unknown) => Promise<unknown> = () => Promise.resolve({});

  constructor(readonly spinLimit = 2000) {}

  start(): Promise<void> {
    this.state = "connected";
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = "closed";
    this.cancelPending();
    return Promise.resolve();
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.state !== "connected") {
      this.refused++;
      if (this.refused > this.spinLimit) return new Promise<T>(() => {});
      return Promise.reject(new Error("Cannot send data if the connection is not in the 'Connected' State."));
    }
    return new Promise<T>((resolve, reject) => {
      const cancel = (error: Error): void => reject(error);
      this.pending.add(cancel);
      this.answer(method, args[0]).then(
        (value) => {
          if (this.pending.delete(cancel)) resolve(value as T);
        },
        (error: unknown) => {
          if (this.pending.delete(cancel)) reject(error as Error);
        },
      );
    });
  }

  on(event: string, handler: (arg: unknown) => void): void {
    this.handlers.set(event, handler);
  }

  setEvents(events: HubTransportEvents): void {
    this.events = events;
  }

  /** Server → client. */
  push(event: string, arg: unknown): void {
    this.handlers.get(event)?.(arg);
  }

  /** The socket drops: `reconnecting` is reported and the calls in flight fail, as SignalR does. */
  drop(): void {
    this.state = "reconnecting";
    this.events?.reconnecting(new Error("WebSocket closed with status code: 1006"));
    this.cancelPending();
  }

  /** The automatic reconnect succeeds. */
  reconnect(): void {
    this.state = "connected";
    this.events?.reconnected();
  }

  private cancelPending(): void {
    const pending = [...this.pending];
    this.pending.clear();
    for (const cancel of pending) cancel(new Error("Invocation canceled due to the underlying connection being closed."));
  }
}
