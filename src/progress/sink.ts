// The one place where work reports its progress to an MCP client. Tools and jobs call `report()` as often
// as they like; this module turns that into `notifications/progress` that obey the spec (progress strictly
// increases, a token is required) without flooding the transport (rate limit, coalescing).

/** What a tool handler or a job sees: a human message, optionally a position on a scale. */
export interface ProgressSink {
  report(message: string, progress?: number, total?: number): void;
}

/**
 * The sink returned by createProgressSink: `flush` sends a held-back report now and settles once every
 * send has been handed to the transport (and the settle gap below has passed); `close` stops sending.
 */
export interface ManagedProgressSink extends ProgressSink {
  flush(): Promise<void>;
  close(): void;
}

export type ProgressToken = string | number;

export type ProgressNotification = {
  method: "notifications/progress";
  params: { progressToken: ProgressToken; progress: number; total?: number; message?: string };
};

export type SendNotification = (notification: ProgressNotification) => Promise<void> | void;

export const MIN_INTERVAL_MS = 100;

/**
 * How long after the last notification `flush()` settles. The SDK client handles a notification one
 * microtask late but a response at once, so when both arrive in one read (one stdio chunk) the response
 * wins, the request's progress handler is gone, and the final "completed" is dropped. A short gap lets
 * the notification travel in a read of its own. Only paid by calls that just sent progress.
 */
export const SETTLE_GAP_MS = 10;

/** Keep messages short: a client shows them on one line next to a bar. */
const MAX_MESSAGE_CHARS = 160;

type Pending = { progress: number; total: number | undefined; message: string };

/**
 * Builds a sink for one request. Without a progress token it is a no-op (the client did not ask).
 *
 * Rules, in order:
 * - A report whose progress is below the last accepted one is dropped (the spec requires increase); one
 *   at the same value with a new message is treated as a report without a number (below).
 * - A report without a number keeps the bar where it is but still needs an increase to be sent, so it
 *   creeps forward by 1/1000 of what remains to `total` (or by 0.001 without a total). This lets a
 *   stage change ("Cut processing") reach the user while nothing measurable moves.
 * - Reports closer than MIN_INTERVAL_MS to the previous send are held back; only the newest held report
 *   is kept and sent when the interval has passed. A report that reaches `total` goes out at once.
 * - After `close()` or the abort signal, nothing more is sent.
 */
export function createProgressSink(options: {
  progressToken?: ProgressToken | undefined;
  sendNotification: SendNotification;
  signal?: AbortSignal | undefined;
  minIntervalMs?: number;
  settleGapMs?: number;
  now?: () => number;
}): ManagedProgressSink {
  const { progressToken, sendNotification, signal } = options;
  const minIntervalMs = options.minIntervalMs ?? MIN_INTERVAL_MS;
  const now = options.now ?? (() => Date.now());
  const settleGapMs = options.settleGapMs ?? SETTLE_GAP_MS;

  if (progressToken === undefined || progressToken === null) {
    return { report() {}, flush: () => Promise.resolve(), close() {} };
  }
  const token = progressToken;

  let lastAccepted = -Infinity;
  let lastTotal: number | undefined;
  let lastSentAt = -Infinity;
  let lastSentMessage = "";
  let pending: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Sends handed to the transport and not yet settled: flush() waits for them. */
  const inFlight = new Set<Promise<void>>();

  const close = (): void => {
    closed = true;
    pending = undefined;
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  signal?.addEventListener("abort", close, { once: true });
  if (signal?.aborted) close();

  const send = (p: Pending): void => {
    lastSentAt = now();
    lastSentMessage = p.message;
    const params: ProgressNotification["params"] = { progressToken: token, progress: p.progress };
    if (p.total !== undefined) params.total = p.total;
    if (p.message) params.message = p.message;
    // A closed transport must not turn a progress update into a failed tool call.
    try {
      const sent = sendNotification({ method: "notifications/progress", params });
      if (sent && typeof (sent as Promise<void>).then === "function") {
        const settled: Promise<void> = (sent as Promise<void>).then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(settled);
        void settled.then(() => inFlight.delete(settled));
      }
    } catch {
      // ignored, see above
    }
  };

  const sendHeld = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || !pending) return;
    const p = pending;
    pending = undefined;
    send(p);
  };

  const flush = async (): Promise<void> => {
    sendHeld();
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    if (lastSentAt === -Infinity || settleGapMs <= 0) return;
    const gap = lastSentAt + settleGapMs - now();
    if (gap > 0) await new Promise<void>((resolve) => setTimeout(resolve, gap));
    // And one full turn of the event loop: I/O that became ready while this process was busy (a loaded
    // machine runs past the gap) is handled before the result is written.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const report = (message: string, progress?: number, total?: number): void => {
    if (closed) return;
    const text = message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;
    const scaleTotal = total ?? lastTotal;
    let value: number;
    // The same number with a new message is a stage change at a phase boundary: creep, as without a number.
    const numeric = progress !== undefined && Number.isFinite(progress) && progress !== lastAccepted;
    if (!numeric) {
      if (text === (pending?.message ?? lastSentMessage)) return;
      const base = lastAccepted === -Infinity ? 0 : lastAccepted;
      value = scaleTotal !== undefined ? base + (scaleTotal - base) / 1000 : base + 0.001;
      if (scaleTotal !== undefined && value >= scaleTotal) return;
    } else {
      value = progress as number;
    }
    if (!(value > lastAccepted)) return;
    lastAccepted = value;
    if (scaleTotal !== undefined) lastTotal = scaleTotal;
    pending = { progress: value, total: scaleTotal, message: text };

    const isFinal = scaleTotal !== undefined && value >= scaleTotal;
    const wait = minIntervalMs - (now() - lastSentAt);
    if (isFinal || wait <= 0) {
      sendHeld();
      return;
    }
    if (!timer) {
      timer = setTimeout(sendHeld, wait);
      timer.unref?.();
    }
  };

  return { report, flush, close };
}

/** A sink that forgets everything: for callers that have nowhere to report to. */
export const NULL_SINK: ProgressSink = { report() {} };

export type PhaseWeights<P extends string> = Readonly<Record<P, number>>;

/**
 * Maps several phases of one piece of work onto a single increasing scale of 0..100.
 *
 * Each phase gets a share of the bar proportional to its weight, in the order the weights are listed:
 * `phaseScale(sink, { upload: 50, prepare: 20, cut: 10, render: 20 })` gives the upload 0–50, preparation
 * 50–70, and so on. `phase("cut")` returns a ProgressSink whose `report(msg, p, t)` lands at
 * start + (p / t) × share; a report without numbers keeps the bar at the phase's current position
 * (the sink then creeps it forward). Skipped phases simply leave a jump in the bar. The weights are
 * rough expectations of wall time, not promises: the only guarantee is that the bar never goes back.
 */
export function phaseScale<P extends string>(sink: ProgressSink, weights: PhaseWeights<P>) {
  const names = Object.keys(weights) as P[];
  const sum = names.reduce((acc, name) => acc + Math.max(0, weights[name]), 0) || 1;
  const starts = new Map<P, { start: number; share: number }>();
  let cursor = 0;
  for (const name of names) {
    const share = (Math.max(0, weights[name]) / sum) * 100;
    starts.set(name, { start: cursor, share });
    cursor += share;
  }
  const round = (n: number): number => Math.round(n * 1000) / 1000;

  return {
    total: 100,
    phase(name: P): ProgressSink {
      const range = starts.get(name) ?? { start: 0, share: 0 };
      let position = range.start;
      return {
        report(message: string, progress?: number, total?: number): void {
          if (progress !== undefined && Number.isFinite(progress)) {
            const fraction = total && total > 0 ? Math.min(1, Math.max(0, progress / total)) : 0;
            // 100 belongs to done(): the last phase ending is not the whole work ending.
            const next = Math.min(99.9, range.start + fraction * range.share);
            // A number that goes back inside a phase says nothing new; the bar keeps its place.
            if (next < position) return;
            position = next;
            sink.report(message, round(position), 100);
          } else {
            // No number: land at the phase start so that the first message of a phase moves the bar there.
            sink.report(message, position > range.start ? undefined : round(range.start) || undefined, 100);
          }
        },
      };
    },
    /** Everything finished: the bar at 100 and a closing message. */
    done(message: string): void {
      sink.report(message, 100, 100);
    },
  };
}
