/** A tiny typed event emitter that works in browsers and Node. A throwing listener does not stop the others. */
export class TypedEmitter<Events extends { [K in keyof Events]: (arg: never) => void }> {
  private readonly listeners = new Map<keyof Events, Set<(arg: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes a listener. */
  off<K extends keyof Events>(event: K, listener: Events[K]): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event` with `arg`. */
  protected emit<K extends keyof Events>(event: K, arg: Parameters<Events[K]>[0]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (a: typeof arg) => void)(arg);
      } catch (error) {
        // A bug in one app listener must not break delivery to the others or the SDK's bookkeeping.
        console.error(`ImSignalR: a '${String(event)}' listener threw`, error);
      }
    }
  }
}
