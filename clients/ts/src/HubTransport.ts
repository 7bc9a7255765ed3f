/** Connection state as the SDK reports it. */
export type ConnectionState = "disconnected" | "connecting" | "connected" | "reconnecting";

/** Callbacks a transport reports its lifecycle through. */
export interface HubTransportEvents {
  /** The connection dropped; the transport is reconnecting by itself. */
  reconnecting(error?: Error): void;
  /** A reconnect succeeded (a new server-side connection: pushes may have been missed). */
  reconnected(): void;
  /** The connection ended and the transport will not reconnect by itself. */
  closed(error?: Error): void;
}

/**
 * The seam between {@link ImChatClient} and SignalR. The real one is {@link SignalRHubTransport}; tests pass
 * a fake. A transport reconnects by itself after a drop if it can, and reports `closed` when it gives up.
 */
export interface HubTransport {
  /** Opens the connection; rejects when this attempt fails. */
  start(): Promise<void>;
  /** Closes the connection; no `reconnecting` follows. */
  stop(): Promise<void>;
  /** Invokes a hub method; rejects with the server's error or when the connection drops. */
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Registers the handler of a server-to-client event. */
  on(event: string, handler: (arg: unknown) => void): void;
  /** Registers the lifecycle callbacks (once, before `start`). */
  setEvents(events: HubTransportEvents): void;
}
