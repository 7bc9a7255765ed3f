import type { OutboxCoordinator, OutboxCoordinatorHandlers, OutboxNotice } from "../../src/OutboxCoordinator.js";

/**
 * What Web Locks and BroadcastChannel give the tabs of one browser, in memory: one lock queue (the first
 * in line leads; stopping hands the lead to the next) and a channel that reaches every other member.
 */
export class FakeTabBus {
  private readonly line: FakeTab[] = [];

  tab(): FakeTab {
    return new FakeTab(this);
  }

  join(tab: FakeTab): void {
    this.line.push(tab);
    if (this.line.length === 1) queueMicrotask(() => tab.handlers?.lead());
  }

  leave(tab: FakeTab): void {
    const wasLeader = this.line[0] === tab;
    const index = this.line.indexOf(tab);
    if (index >= 0) this.line.splice(index, 1);
    const next = this.line[0];
    if (wasLeader && next !== undefined) queueMicrotask(() => next.handlers?.lead());
  }

  broadcast(from: FakeTab, notice: OutboxNotice): void {
    for (const tab of this.line) if (tab !== from) queueMicrotask(() => tab.handlers?.notice(structuredClone(notice)));
  }
}

export class FakeTab implements OutboxCoordinator {
  handlers: OutboxCoordinatorHandlers | undefined;

  constructor(private readonly bus: FakeTabBus) {}

  start(_userId: string, handlers: OutboxCoordinatorHandlers): void {
    this.handlers = handlers;
    this.bus.join(this);
  }

  publish(notice: OutboxNotice): void {
    this.bus.broadcast(this, notice);
  }

  stop(): void {
    this.bus.leave(this);
    this.handlers = undefined;
  }
}
