// Follows one asset, cut or render until a state of interest, the way the contract asks: live updates
// over SSE first, polling with backoff when the events endpoint answers 404 or the stream drops, and a
// fresh GET at every switch so that no state change falls in the gap. It reports human progress through
// a sink, never throws for a timeout, and stops every request and stream it started on abort.

import type { ProgressSink } from "./sink.js";
// Terminal states and the order of states along each lifecycle come from the kind table: a stale read (a
// GET that raced an event) must never move the followed resource backwards.
import { isTerminal, stateRank, type FollowKind } from "../vocabulary/kinds.js";

export type { FollowKind };

/** The least of a resource that following needs; the client's types carry more and pass through. */
export type Followable = { id: string; state: string; asset_id?: string; progress?: number | null };

type Getter<T> = (id: string, options?: { signal?: AbortSignal }) => Promise<T>;

export type LiveEvent = { id?: string; type: string; data: unknown };

/** The part of RoughyClient that follow() uses (structural, so that tests and the job can pass the client). */
export interface FollowClient {
  assets: { get: Getter<Followable> };
  cuts: { get: Getter<Followable> };
  renders: { get: Getter<Followable> };
  events: {
    subscribe(
      assetId: string,
      options: { signal: AbortSignal; lastEventId?: string; onEvent: (event: LiveEvent) => void },
    ): Promise<{ supported: boolean; done?: Promise<unknown> }>;
  };
}

export type ResourceOf<C extends FollowClient, K extends FollowKind> = Awaited<
  ReturnType<(K extends "asset" ? C["assets"] : K extends "cut" ? C["cuts"] : C["renders"])["get"]>
>;

export type FollowOptions<T> = {
  signal?: AbortSignal;
  sink?: ProgressSink;
  /** Give up after this long and return the latest resource with timedOut: true. */
  timeoutMs?: number;
  /** Stop when this holds; default: the kind's terminal states. */
  until?: (resource: T) => boolean;
  /** Polling backoff bounds, for tests. */
  pollMinMs?: number;
  pollMaxMs?: number;
};

export type FollowResult<T> = { resource: T; timedOut: boolean; via: "sse" | "poll" };

export { isTerminal };

const POLL_MIN_MS = 500;
const POLL_MAX_MS = 5_000;
const POLL_GROWTH = 1.6;
/** Reconnects of a dropped stream before polling takes over for good. */
const MAX_RECONNECTS = 2;
/** While on SSE, a GET right after the stream opens and then now and then: covers a change made before
 *  the stream was open, and a stream that stalls or silently reconnects. */
const SSE_CHECK_EVERY_MS = 5_000;

/** A short line a person can read, for the sink and for tool summaries. */
export function describeState(kind: FollowKind, resource: Followable): string {
  const r = resource as Followable & { error_message?: string | null; error_code?: string | null };
  const why = r.error_message ? `: ${r.error_message}` : r.error_code ? `: ${r.error_code}` : "";
  switch (kind) {
    case "asset":
      switch (r.state) {
        case "pending_upload": return "Asset waiting for its upload";
        case "processing": return "Preparing the media (probe, transcode, charge)";
        case "pending_payment": return "Asset prepared but unpaid: top up credits to continue";
        case "ready": return "Asset ready to cut and render";
        case "failed": return `Asset failed${why}`;
      }
      break;
    case "cut":
      switch (r.state) {
        case "pending": return "Cut queued";
        // A scriptless cut matches nothing: it keeps speech and drops pauses, filler and restarts.
        case "processing": {
          const script = (r as { script?: unknown }).script;
          return typeof script === "string" && script.trim() !== "" ? "Cutting: transcribing and matching the script" : "Cutting: transcribing and finding the takes to keep";
        }
        case "completed": return "Cut completed";
        case "failed": return `Cut failed${why}`;
      }
      break;
    case "render":
      switch (r.state) {
        case "pending": return "Render queued";
        case "processing": return `Rendering ${Math.round(r.progress ?? 0)}%`;
        case "completed": return "Render completed";
        case "failed": return `Render failed${why}`;
        case "canceled": return "Render canceled";
      }
      break;
  }
  return `${kind} ${r.state}`;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}

/** Errors worth another poll instead of a failure: the network, rate limits, a server hiccup. */
function isTransient(error: unknown): boolean {
  const e = error as { status?: number; code?: string } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code === "connection_error" || e.code === "timeout" || e.code === "rate_limited") return true;
  return typeof e.status === "number" && e.status >= 500;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export async function follow<C extends FollowClient, K extends FollowKind>(
  client: C,
  kind: K,
  id: string,
  options: FollowOptions<ResourceOf<C, K>> = {},
): Promise<FollowResult<ResourceOf<C, K>>> {
  type T = ResourceOf<C, K>;
  const outer = options.signal;
  if (outer?.aborted) throw abortError(outer);
  const sink = options.sink;
  const until = options.until ?? ((r: T) => isTerminal(kind, (r as Followable).state));
  const pollMin = options.pollMinMs ?? POLL_MIN_MS;
  const pollMax = options.pollMaxMs ?? POLL_MAX_MS;
  const getter: Getter<Followable> =
    kind === "asset" ? client.assets.get.bind(client.assets) : kind === "cut" ? client.cuts.get.bind(client.cuts) : client.renders.get.bind(client.renders);

  // One controller for everything this call starts: the caller's abort, the timeout, and our own finish.
  const controller = new AbortController();
  const signal = controller.signal;
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  let timedOut = false;
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error("follow timed out"));
        }, Math.max(0, options.timeoutMs))
      : undefined;

  let latest: Followable | undefined;
  let lastReported = "";
  let finished = false;
  let via: "sse" | "poll" = "poll";

  const report = (r: Followable): void => {
    const line = describeState(kind, r);
    if (line === lastReported) return;
    lastReported = line;
    if (kind === "render" && r.state === "processing") sink?.report(line, Math.min(99, Math.max(0, r.progress ?? 0)), 100);
    else if (kind === "render" && r.state === "completed") sink?.report(line, 100, 100);
    else sink?.report(line);
  };

  /** Takes a newer observation unless it is older than what we have; true when it ends the follow. */
  const observe = (r: Followable, source: "sse" | "poll"): boolean => {
    if (finished) return true;
    if (latest) {
      const before = stateRank(kind, latest.state) ?? 0;
      const after = stateRank(kind, r.state) ?? 0;
      if (after < before) return false;
      if (after === before && r.state === latest.state && (r.progress ?? 0) < (latest.progress ?? 0)) return false;
      // Two different terminal states cannot both be true; the first one seen stands.
      if (after === before && r.state !== latest.state && isTerminal(kind, latest.state)) return false;
    }
    latest = r;
    report(r);
    if (until(r as T)) {
      finished = true;
      via = source;
      return true;
    }
    return false;
  };

  const read = async (): Promise<Followable> => getter(id, { signal });

  try {
    // The first read is not cut short by the timeout: even wait_seconds=0 answers with the current state.
    if (observe(await getter(id, outer ? { signal: outer } : {}), "poll")) return { resource: latest as T, timedOut: false, via };

    const assetId = kind === "asset" ? id : (latest as Followable).asset_id;
    let useSse = typeof assetId === "string" && assetId.length > 0;
    let lastEventId: string | undefined;
    let reconnects = 0;

    while (useSse && !finished && !signal.aborted) {
      const stream = new AbortController();
      const stopStream = () => stream.abort(signal.reason);
      signal.addEventListener("abort", stopStream, { once: true });
      let sawEvent = false;
      // subscribe() resolves once the stream is open (its `done` settles when it ends for good), answers
      // { supported: false } on 404, and rejects when the first connection fails: that counts as a drop.
      const outcome = await client.events
        .subscribe(assetId as string, {
          signal: stream.signal,
          ...(lastEventId !== undefined ? { lastEventId } : {}),
          onEvent: (event) => {
            if (event.id !== undefined) lastEventId = event.id;
            if (event.type !== `${kind}.updated`) return;
            const data = event.data as Followable | null;
            if (!data || typeof data !== "object" || data.id !== id) return;
            sawEvent = true;
            if (observe(data, "sse")) stream.abort();
          },
        })
        .then(async (sub) => {
          if (!sub.supported) return "unsupported" as const;
          // Open: now a GET cannot miss a change (anything later arrives as an event). Then check now and
          // then, which also covers a stream that stalls without closing or reconnects behind our back.
          let streamOver = false;
          let checkError: unknown;
          const checks = (async () => {
            let first = true;
            while (!streamOver && !finished && !stream.signal.aborted) {
              if (!first) await sleep(SSE_CHECK_EVERY_MS, stream.signal);
              first = false;
              if (streamOver || finished || stream.signal.aborted) return;
              try {
                if (observe(await read(), "sse")) stream.abort();
              } catch (error) {
                if (!isTransient(error) && !signal.aborted) {
                  checkError = error;
                  stream.abort();
                  return;
                }
              }
            }
          })();
          await (sub.done ?? new Promise<void>((resolve) => stream.signal.addEventListener("abort", () => resolve(), { once: true })));
          streamOver = true;
          stream.abort();
          await checks;
          if (checkError !== undefined) throw checkError;
          return "ended" as const;
        }, () => "ended" as const)
        .finally(() => signal.removeEventListener("abort", stopStream));

      if (finished || signal.aborted) break;
      if (outcome === "unsupported") {
        useSse = false;
        break;
      }
      // The stream dropped: re-read, so a change sent while we were away is not lost, then reconnect.
      if (observe(await read(), "poll")) break;
      if (sawEvent) reconnects = 0;
      reconnects += 1;
      if (reconnects > MAX_RECONNECTS) useSse = false;
      else await sleep(pollMin, signal);
    }

    // Polling: the fallback, with backoff that resets whenever something changes.
    let delay = pollMin;
    while (!finished && !signal.aborted) {
      await sleep(delay, signal);
      if (finished || signal.aborted) break;
      const before = latest;
      try {
        if (observe(await read(), "poll")) break;
      } catch (error) {
        if (!isTransient(error) || signal.aborted) throw error;
      }
      const changed = latest !== before && (latest?.state !== before?.state || latest?.progress !== before?.progress);
      delay = changed ? pollMin : Math.min(pollMax, Math.round(delay * POLL_GROWTH));
    }

    if (finished) return { resource: latest as T, timedOut: false, via };
    if (timedOut && !outer?.aborted) return { resource: latest as T, timedOut: true, via };
    throw abortError(outer ?? signal);
  } catch (error) {
    if (finished && latest) return { resource: latest as T, timedOut: false, via };
    if (timedOut && !outer?.aborted && latest) return { resource: latest as T, timedOut: true, via };
    if (outer?.aborted) throw abortError(outer);
    throw error;
  } finally {
    finished = true;
    if (timer) clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
    controller.abort();
  }
}
