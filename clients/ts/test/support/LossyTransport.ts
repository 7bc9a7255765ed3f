import type { HubTransport, HubTransportEvents } from "../../src/HubTransport.js";

/**
 * A real {@link HubTransport} that loses some pushes of one event while the connection stays up — what a lost
 * backplane publish looks like to a client — and counts the calls made through it, so a test can see the
 * client notice the gap and sync.
 */
export class LossyTransport implements HubTransport {
  readonly calls: { method: string; arg: unknown }[] = [];
  dropped = 0;
  private seen = 0;

  constructor(
    private readonly inner: HubTransport,
    private readonly event: string,
    /** Drops the n-th push of the event (1-based) when this says so. */
    private readonly drop: (n: number) => boolean,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    this.calls.push({ method, arg: args[0] });
    return this.inner.invoke<T>(method, ...args);
  }

  on(event: string, handler: (arg: unknown) => void): void {
    if (event !== this.event) {
      this.inner.on(event, handler);
      return;
    }
    this.inner.on(event, (arg) => {
      if (this.drop(++this.seen)) {
        this.dropped++;
        return;
      }
      handler(arg);
    });
  }

  setEvents(events: HubTransportEvents): void {
    this.inner.setEvents(events);
  }
}
