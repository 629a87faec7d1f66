// A small in-process job queue for the sandbox's background work (asset preparation, cut computation, renders).
// Jobs are keyed by the resource id so that deleting or canceling a resource can abort its job (which kills
// its ffmpeg child through the signal); concurrency is bounded so a burst of renders cannot swamp the machine.
// Every job has a time limit: on it the job's signal fires with a JobTimeoutError reason (killing its children),
// and its slot is given back after a short grace even if the job never settles, so one hung job cannot hold
// the queue.

export type JobFn = (signal: AbortSignal) => Promise<void>;

interface Job {
  key: string;
  fn: JobFn;
  controller: AbortController;
  timeoutMs: number;
}

/** Default limit of a job that sets none. */
export const DEFAULT_JOB_TIMEOUT_MS = 60 * 60_000;
/** How long a timed-out job may take to unwind before its slot is reused anyway. */
const RELEASE_GRACE_MS = 5_000;

/** The abort reason of a job stopped by its time limit (a cancel or shutdown aborts without one). */
export class JobTimeoutError extends Error {
  constructor(
    readonly key: string,
    readonly ms: number,
  ) {
    super(`job ${key} ran longer than ${Math.round(ms / 1000)} s`);
    this.name = "JobTimeoutError";
  }
}

export class JobQueue {
  private waiting: Job[] = [];
  private running = new Map<string, Job>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (key: string, err: unknown) => void,
  ) {}

  /** Queues a job unless one with the same key is already waiting or running. */
  enqueue(key: string, fn: JobFn, opts: { timeoutMs?: number } = {}): void {
    if (this.closed || this.running.has(key) || this.waiting.some((j) => j.key === key)) return;
    this.waiting.push({ key, fn, controller: new AbortController(), timeoutMs: opts.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS });
    this.pump();
  }

  /** Aborts a job (waiting or running); a running job's signal fires, killing its children. */
  cancel(key: string): void {
    const i = this.waiting.findIndex((j) => j.key === key);
    if (i >= 0) this.waiting.splice(i, 1);
    this.running.get(key)?.controller.abort();
  }

  has(key: string): boolean {
    return this.running.has(key) || this.waiting.some((j) => j.key === key);
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking jobs, aborts everything and waits for running jobs to unwind. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting = [];
    for (const job of this.running.values()) {
      job.controller.abort();
      setTimeout(() => this.release(job), RELEASE_GRACE_MS).unref();
    }
    await this.idle();
  }

  private release(job: Job): void {
    if (this.running.get(job.key) !== job) return;
    this.running.delete(job.key);
    this.pump();
    if (this.running.size === 0 && this.waiting.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.running.set(job.key, job);
      let grace: NodeJS.Timeout | undefined;
      const limit = setTimeout(() => {
        job.controller.abort(new JobTimeoutError(job.key, job.timeoutMs));
        grace = setTimeout(() => this.release(job), RELEASE_GRACE_MS).unref();
      }, job.timeoutMs).unref();
      void Promise.resolve()
        .then(() => job.fn(job.controller.signal))
        .catch((err: unknown) => this.onError(job.key, err))
        .finally(() => {
          clearTimeout(limit);
          clearTimeout(grace);
          this.release(job);
        });
    }
  }
}

/** True when the job's signal fired because of its time limit (not a cancel, a delete or shutdown). */
export function timedOut(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobTimeoutError;
}
