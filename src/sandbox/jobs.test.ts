import { describe, expect, it } from "vitest";
import { JobQueue, JobTimeoutError, timedOut } from "./jobs.js";

describe("JobQueue time limits", () => {
  it("aborts a job at its limit with a JobTimeoutError reason, and the next job runs", async () => {
    const q = new JobQueue(1, () => {});
    const reasons: unknown[] = [];
    q.enqueue("hung", (signal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => (reasons.push(signal.reason), resolve(void timedOut(signal))))), { timeoutMs: 50 });
    const ran = new Promise<string>((resolve) => q.enqueue("next", async () => resolve("ran")));
    expect(await ran).toBe("ran");
    expect(reasons[0]).toBeInstanceOf(JobTimeoutError);
  });

  it("frees the slot of a job that never settles, even when it ignores the abort", async () => {
    const q = new JobQueue(1, () => {});
    let aborted = false;
    q.enqueue("stuck", (signal) => {
      signal.addEventListener("abort", () => (aborted = true));
      return new Promise<void>(() => {});
    }, { timeoutMs: 50 });
    const ran = new Promise<string>((resolve) => q.enqueue("next", async () => resolve("ran")));
    expect(await ran).toBe("ran");
    expect(aborted).toBe(true);
    expect(q.has("stuck")).toBe(false);
  });

  it("a cancel is not a timeout", async () => {
    const q = new JobQueue(1, () => {});
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const seen = new Promise<boolean>((resolve) =>
      q.enqueue("c", (signal) => {
        started();
        return new Promise<void>((done) => signal.addEventListener("abort", () => (resolve(timedOut(signal)), done())));
      }),
    );
    await running;
    q.cancel("c");
    expect(await seen).toBe(false);
  });
});
