// A small in-process job queue for the sandbox's background work (asset preparation, cut computation, renders).
// Jobs are keyed by the resource id so that deleting or canceling a resource can abort its job (which kills
// its ffmpeg child through the signal); concurrency is bounded so a burst of renders cannot swamp the machine.

export type JobFn = (signal: AbortSignal) => Promise<void>;

interface Job {
  key: string;
  fn: JobFn;
  controller: AbortController;
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
  enqueue(key: string, fn: JobFn): void {
    if (this.closed || this.running.has(key) || this.waiting.some((j) => j.key === key)) return;
    this.waiting.push({ key, fn, controller: new AbortController() });
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
    for (const job of this.running.values()) job.controller.abort();
    await this.idle();
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.running.set(job.key, job);
      void job
        .fn(job.controller.signal)
        .catch((err: unknown) => this.onError(job.key, err))
        .finally(() => {
          this.running.delete(job.key);
          this.pump();
          if (this.running.size === 0 && this.waiting.length === 0) {
            for (const w of this.idleWaiters.splice(0)) w();
          }
        });
    }
  }
}
