import {
  HttpTransportType,
  HubConnectionBuilder,
  LogLevel,
  type HubConnection,
  type IHubProtocol,
  type ILogger,
} from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import type { BackoffRetryPolicy } from "./BackoffRetryPolicy.js";
import type { HubTransport, HubTransportEvents } from "./HubTransport.js";
import { HubMethods } from "./models.js";

/** Settings of {@link SignalRHubTransport}. */
export interface SignalRTransportOptions {
  /** Base URL of the hub server, e.g. `http://localhost:5000` (the hub path is appended). */
  url: string;
  /** Called before every connection attempt, so an expired token is replaced on reconnect. */
  accessTokenFactory: () => string | Promise<string>;
  /** Hub protocol; default `json`. */
  protocol?: "json" | "messagepack";
  retryPolicy: BackoffRetryPolicy;
  /** SignalR log level or logger; default warnings only. */
  logger?: LogLevel | ILogger;
  /** Transports to allow; default WebSockets, then the other ASP.NET Core defaults. */
  transport?: HttpTransportType;
  /** Skip negotiation (WebSockets only). */
  skipNegotiation?: boolean;
}

/** {@link HubTransport} over the official `@microsoft/signalr` client, with automatic reconnect. */
export class SignalRHubTransport implements HubTransport {
  private readonly connection: HubConnection;

  constructor(options: SignalRTransportOptions) {
    const url = options.url.replace(/\/+$/, "") + HubMethods.HubPath;
    const protocol: IHubProtocol | undefined =
      options.protocol === "messagepack" ? new MessagePackHubProtocol() : undefined;
    let builder = new HubConnectionBuilder()
      .withUrl(url, {
        accessTokenFactory: options.accessTokenFactory,
        transport: options.transport ?? HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling,
        skipNegotiation: options.skipNegotiation ?? false,
      })
      .withAutomaticReconnect(options.retryPolicy)
      .configureLogging(options.logger ?? LogLevel.Warning);
    if (protocol !== undefined) builder = builder.withHubProtocol(protocol);
    this.connection = builder.build();
  }

  /** The underlying SignalR connection (for advanced use such as timeouts). */
  get hubConnection(): HubConnection {
    return this.connection;
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.connection.invoke<T>(method, ...args);
  }

  on(event: string, handler: (arg: unknown) => void): void {
    this.connection.on(event, handler);
  }

  setEvents(events: HubTransportEvents): void {
    this.connection.onreconnecting((error) => events.reconnecting(error));
    this.connection.onreconnected(() => events.reconnected());
    this.connection.onclose((error) => events.closed(error));
  }
}
