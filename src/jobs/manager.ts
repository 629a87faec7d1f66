// Server-side jobs: work that outlives one tool call (an upload, a cut and a render can take minutes, and a
// tool call should answer within a minute). A job runs in the background of the server process; tool calls
// start it, watch it for a bounded time with their own progress token, and cancel it.
//
// Jobs live in memory only. What a job makes on the service (assets, cuts, renders) is recorded by id as
// soon as it is known and returned in every answer, so after a restart an agent can carry on with the
// single-step tools; persisting half-run jobs would mean resuming work on behalf of a client that is gone.

import { randomUUID } from "node:crypto";
import type { ProgressSink } from "../progress/sink.js";
import { describeError } from "../operations/describe-error.js";

export type JobStatus = "running" | "completed" | "failed" | "canceled";

export type JobProgress = { progress: number; total: number; message: string };

export type JobError = {
  step: string;
  code: string;
  message: string;
  request_id?: string | null;
  next_step: string;
};

/** What every answer about a job carries. `detail` is the job kind's own record (ids, files, summary). */
export type JobSnapshot<D> = {
  id: string;
  kind: string;
  status: JobStatus;
  step: string;
  progress: JobProgress;
  detail: D;
  error: JobError | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
};

export type JobContext<D> = {
  signal: AbortSignal;
  /** Progress on the job's 0..100 scale, fanned out to every tool call watching the job. */
  sink: ProgressSink;
  /** Records the current step and merges fields into the job's detail, at once. */
  update(patch: { step?: string; detail?: Partial<D> }): void;
  detail(): D;
};

/** Thrown by a job runner to fail with a clear code and next step (instead of a raw error). */
export class JobStepError extends Error {
  constructor(
    readonly step: string,
    readonly code: string,
    message: string,
    readonly nextStep: string,
    readonly requestId: string | null = null,
    /** A server-side or network failure: the message is the generic one, and `cause` is logged. */
    readonly internal = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "JobStepError";
  }
}

type JobRecord<D> = {
  snapshot: JobSnapshot<D>;
  controller: AbortController;
  done: Promise<void>;
  listeners: Set<ProgressSink>;
};

const FINISHED_JOBS_KEPT = 200;

export type JobManagerOptions = {
  /** Server-side log for a job that failed for a reason the agent cannot fix (5xx, network, a bug). */
  logInternal?: (message: string, error: unknown) => void;
};

export class JobManager {
  private readonly jobs = new Map<string, JobRecord<unknown>>();

  constructor(private readonly options: JobManagerOptions = {}) {}

  start<D>(
    kind: string,
    initial: D,
    run: (ctx: JobContext<D>) => Promise<void>,
    options: { describeError?: (error: unknown, step: string, ctx: JobContext<D>) => JobError } = {},
  ): JobSnapshot<D> {
    const now = new Date().toISOString();
    const snapshot: JobSnapshot<D> = {
      id: randomUUID(),
      kind,
      status: "running",
      step: "starting",
      progress: { progress: 0, total: 100, message: "Starting" },
      detail: initial,
      error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    const controller = new AbortController();
    const record: JobRecord<D> = { snapshot, controller, done: Promise.resolve(), listeners: new Set() };
    const notify = () => {
      snapshot.updated_at = new Date().toISOString();
    };
    const sink: ProgressSink = {
      report(message, progress, total) {
        const scale = total ?? 100;
        // The job's own bar never goes back, whatever the steps report.
        const value = progress === undefined ? snapshot.progress.progress : Math.max(snapshot.progress.progress, (progress / scale) * 100);
        snapshot.progress = { progress: value, total: 100, message };
        for (const listener of record.listeners) listener.report(message, progress === undefined ? undefined : value, 100);
        notify();
      },
    };
    const ctx: JobContext<D> = {
      signal: controller.signal,
      sink,
      update(patch) {
        if (patch.step) snapshot.step = patch.step;
        if (patch.detail) snapshot.detail = { ...snapshot.detail, ...patch.detail };
        notify();
      },
      detail: () => snapshot.detail,
    };
    const finish = (status: JobStatus, error: JobError | null) => {
      snapshot.status = status;
      snapshot.error = error;
      snapshot.finished_at = new Date().toISOString();
      notify();
    };
    record.done = (async () => {
      try {
        await run(ctx);
        if (controller.signal.aborted) finish("canceled", null);
        else {
          sink.report("Done", 100, 100);
          finish("completed", null);
        }
      } catch (error) {
        if (controller.signal.aborted) finish("canceled", null);
        else finish("failed", describe(error, snapshot.step, ctx, options.describeError, (e) => this.options.logInternal?.(`job ${snapshot.id} (${kind}) failed at ${snapshot.step}`, e)));
      }
    })();
    this.jobs.set(snapshot.id, record as JobRecord<unknown>);
    this.prune();
    return snapshot;
  }

  /** The server-side log for a failure the agent cannot fix, for work that runs outside start() (remote jobs). */
  logInternal(message: string, error: unknown): void {
    this.options.logInternal?.(message, error);
  }

  get<D = unknown>(id: string): JobSnapshot<D> | undefined {
    return this.jobs.get(id)?.snapshot as JobSnapshot<D> | undefined;
  }

  list(): JobSnapshot<unknown>[] {
    return [...this.jobs.values()].map((r) => r.snapshot);
  }

  /** Asks the job to stop and waits for its runner to wind down (it cleans up what it started). */
  async cancel(id: string): Promise<JobSnapshot<unknown> | undefined> {
    const record = this.jobs.get(id);
    if (!record) return undefined;
    if (record.snapshot.status === "running") record.controller.abort(new Error("job canceled"));
    await record.done;
    return record.snapshot;
  }

  /**
   * Watches a job until it finishes, the timeout passes or the signal aborts (the job keeps running then).
   * The sink gets the job's current progress at once and every update after.
   */
  async wait<D = unknown>(
    id: string,
    options: { signal?: AbortSignal; timeoutMs: number; sink?: ProgressSink },
  ): Promise<{ job: JobSnapshot<D>; timedOut: boolean } | undefined> {
    const record = this.jobs.get(id);
    if (!record) return undefined;
    const snapshot = record.snapshot as JobSnapshot<D>;
    if (snapshot.status !== "running") return { job: snapshot, timedOut: false };
    const sink = options.sink;
    if (sink) {
      sink.report(snapshot.progress.message, snapshot.progress.progress, 100);
      record.listeners.add(sink);
    }
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const outcome = await Promise.race([
        record.done.then(() => "done" as const),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), Math.max(0, options.timeoutMs));
        }),
        new Promise<"aborted">((resolve) => {
          onAbort = () => resolve("aborted");
          if (options.signal?.aborted) resolve("aborted");
          options.signal?.addEventListener("abort", onAbort, { once: true });
        }),
      ]);
      if (outcome === "aborted") throw options.signal?.reason ?? new Error("aborted");
      return { job: snapshot, timedOut: outcome === "timeout" };
    } finally {
      if (timer) clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener("abort", onAbort);
      if (sink) record.listeners.delete(sink);
    }
  }

  /** Cancels every running job: for server shutdown. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.cancel(id)));
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((r) => r.snapshot.status !== "running");
    for (const record of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) {
      this.jobs.delete(record.snapshot.id);
    }
  }
}

/**
 * A failed job's error, through the same describer as a failed tool call: a 4xx-class problem keeps its
 * actionable message; a 5xx, network or unknown failure gets the short generic one (with the request id)
 * and is logged with the detail.
 */
function describe<D>(
  error: unknown,
  step: string,
  ctx: JobContext<D>,
  custom: ((error: unknown, step: string, ctx: JobContext<D>) => JobError) | undefined,
  logInternal: (error: unknown) => void,
): JobError {
  if (error instanceof JobStepError) {
    if (error.internal) logInternal(error.cause ?? error);
    return { step: error.step, code: error.code, message: error.message, request_id: error.requestId, next_step: error.nextStep };
  }
  if (custom) return custom(error, step, ctx);
  const described = describeError(error, {});
  if (described.internal) logInternal(error);
  const e = error as { code?: unknown; requestId?: unknown } | null;
  return {
    step,
    code: typeof e?.code === "string" ? e.code : "internal_error",
    message: described.message,
    request_id: typeof e?.requestId === "string" ? e.requestId : null,
    next_step: "Check the ids recorded so far and retry the failed step with its single-step tool.",
  };
}
