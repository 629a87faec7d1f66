// Injected failures for testing clients against a misbehaving API (POST /sandbox/faults): the next N requests
// whose path starts with a prefix (and optionally use one method) answer an error status, are delayed, or have
// their connection dropped, optionally after some body bytes of an upload PATCH went through. Two more shapes
// for the failures a client must survive without double effects: `after_handler` answers the error status only
// after the handler ran (the side effect happened, the answer was lost), and `stall` with `after_bytes` keeps
// the first bytes of a PATCH and then never answers (an uploader that hangs or is killed mid-transfer).
// `bytes_per_second` reads a PATCH body no faster than that: a slow link, so that a test can see an upload
// still under way (its offset below the size) without waiting on a clock.

export interface FaultSpec {
  path: string;
  method?: string;
  count: number;
  status?: number;
  retry_after?: number;
  delay_ms?: number;
  drop?: boolean;
  after_bytes?: number;
  after_handler?: boolean;
  stall?: boolean;
  bytes_per_second?: number;
}

export class Faults {
  private list: FaultSpec[] = [];

  add(spec: FaultSpec): void {
    this.list.push({ ...spec });
  }

  clear(): void {
    this.list = [];
  }

  get size(): number {
    return this.list.length;
  }

  /** Takes (and counts down) the first fault matching this request, if any. */
  take(method: string, pathname: string): FaultSpec | undefined {
    const i = this.list.findIndex((f) => pathname.startsWith(f.path) && (f.method === undefined || f.method.toUpperCase() === method));
    if (i < 0) return undefined;
    const f = this.list[i] as FaultSpec;
    f.count -= 1;
    if (f.count <= 0) this.list.splice(i, 1);
    return f;
  }
}

/**
 * A gate renders (or cuts) wait at once they are processing (POST /sandbox/holds {renders: true}): a test gets
 * one that is certainly unfinished, whatever the machine's speed, and lets it go on (DELETE /sandbox/holds).
 * A cancel, a delete or a shutdown aborts the wait like any other work of the job.
 */
export class Hold {
  private on = false;
  private waiters = new Set<() => void>();

  get held(): boolean {
    return this.on;
  }

  set(on: boolean): void {
    this.on = on;
    if (on) return;
    for (const release of this.waiters) release();
    this.waiters.clear();
  }

  /** Resolves at once when not held, else when released or when `signal` aborts. */
  pass(signal: AbortSignal): Promise<void> {
    if (!this.on || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        signal.removeEventListener("abort", release);
        this.waiters.delete(release);
        resolve();
      };
      this.waiters.add(release);
      signal.addEventListener("abort", release, { once: true });
    });
  }
}
