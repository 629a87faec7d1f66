// Every state change of an asset, cut or render becomes an event: stored with a monotonically increasing id
// (so an SSE client can resume with Last-Event-ID after a restart), pushed to live SSE subscribers of the
// asset, and, for terminal states, delivered to the registered webhooks.
import type { Store } from "./store/db.js";

export type EventType = "asset.updated" | "cut.updated" | "render.updated";

export interface BusEvent {
  id: number;
  type: EventType;
  data: unknown;
}

type Listener = (e: BusEvent) => void;

/** The webhook event a state change stands for, if it is a terminal one [inferred event names]. */
export function webhookTypeFor(type: EventType, state: string): string | null {
  const kind = type.split(".")[0];
  if (kind === "asset") return state === "ready" ? "asset.ready" : state === "failed" ? "asset.failed" : null;
  if (kind === "cut") return state === "completed" ? "cut.completed" : state === "failed" ? "cut.failed" : null;
  if (kind === "render") return state === "completed" ? "render.completed" : state === "failed" ? "render.failed" : null;
  return null;
}

export class EventBus {
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly store: Store,
    private readonly onTerminal: (webhookType: string, data: unknown) => void,
  ) {}

  publish(assetId: string, type: EventType, data: { state: string }, opts: { terminal?: boolean } = {}): void {
    const row = this.store.addEvent(assetId, type, data);
    const event: BusEvent = { id: row.id, type, data };
    for (const l of this.listeners.get(assetId) ?? []) l(event);
    if (opts.terminal !== false) {
      const hook = webhookTypeFor(type, data.state);
      if (hook) this.onTerminal(hook, data);
    }
  }

  subscribe(assetId: string, listener: Listener): () => void {
    let set = this.listeners.get(assetId);
    if (!set) this.listeners.set(assetId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(assetId);
    };
  }
}
