// MCP Tasks (2025-11-25) on top of the JobManager: a task-augmented tools/call starts the tool's job and
// answers at once with a task whose id is the job id. tasks/get reads the job's state, tasks/result waits for
// it and answers the tool's usual result, tasks/cancel cancels the job. The jobs stay the single source of
// truth, so `roughy_wait kind=job` and a task poll see the same thing.
//
// SDK v2 dropped its experimental task layer (tasks moved to an extension); on the 2025 wire the tasks/*
// methods remain, and this module is their one owner, registered through the SDK's explicit-schema
// request handlers. On the 2026-07-28 wire tasks are an extension with other shapes: tasks-extension.ts
// owns its methods there, over this same store.

import { z } from "zod";
import type { CallToolResult, Result, Server, Task } from "@modelcontextprotocol/server";
import type { JobManager, JobSnapshot, JobStatus } from "./manager.js";
import type { ProgressSink } from "../progress/sink.js";
import { ProtocolError, ProtocolErrorCode } from "../vocabulary/errors.js";

/** How long a finished task can still be read, unless the client asks for less. */
export const DEFAULT_TASK_TTL_MS = 60 * 60 * 1000;
const MAX_TASK_TTL_MS = 24 * 60 * 60 * 1000;
/** What a client is told to poll at: job steps take seconds, not milliseconds. */
export const TASK_POLL_INTERVAL_MS = 1000;
const PAGE = 50;

type Entry = {
  taskId: string;
  sessionId: string | undefined;
  ttl: number;
  createdAt: string;
  /** The job behind the task; absent for a task that ended before a job started (a refused call). */
  jobId?: string;
  /** Builds the tool's answer from the finished job. */
  answer?: (job: JobSnapshot<unknown>) => CallToolResult;
  /** A result fixed at once: a refused call. */
  stored?: { status: "completed" | "failed" | "cancelled"; result: Result; at: string };
};

/** The `_meta` key that ties a result to its task (2025-11-25). */
const RELATED_TASK = "io.modelcontextprotocol/related-task";
const TERMINAL = new Set<Task["status"]>(["completed", "failed", "cancelled"]);

function unknownTask(taskId: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown task ${taskId}: tasks/list has this session's tasks.`);
}

const STATUS: Record<JobStatus, Task["status"]> = { running: "working", completed: "completed", failed: "failed", canceled: "cancelled" };

function clampTtl(ttl: number | null | undefined): number {
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl <= 0) return DEFAULT_TASK_TTL_MS;
  return Math.min(ttl, MAX_TASK_TTL_MS);
}

export class JobTaskStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly jobs: JobManager) {}

  /** A task for a job that a tool has just started. */
  bindJob(job: JobSnapshot<unknown>, options: { ttl?: number | null; sessionId?: string; answer: (job: JobSnapshot<unknown>) => CallToolResult }): Task {
    this.prune();
    const entry: Entry = { taskId: job.id, sessionId: options.sessionId, ttl: clampTtl(options.ttl), createdAt: job.created_at, jobId: job.id, answer: options.answer };
    this.entries.set(entry.taskId, entry);
    return this.view(entry) as Task;
  }

  /** A task that is over before it began: the tool refused (cost not confirmed, a bad argument). */
  finished(result: CallToolResult, options: { ttl?: number | null; sessionId?: string }): Task {
    this.prune();
    const now = new Date().toISOString();
    const entry: Entry = {
      taskId: crypto.randomUUID(),
      sessionId: options.sessionId,
      ttl: clampTtl(options.ttl),
      createdAt: now,
      stored: { status: result.isError ? "failed" : "completed", result, at: now },
    };
    this.entries.set(entry.taskId, entry);
    return this.view(entry) as Task;
  }

  /**
   * Watches a job-backed task to its end (or its TTL), passing the job's progress to `sink`; resolves
   * with the final task, or null when it is gone. For the notifications a task-augmented call keeps sending.
   */
  async follow(taskId: string, sessionId: string | undefined, sink?: ProgressSink): Promise<Task | null> {
    const entry = this.find(taskId, sessionId);
    if (!entry?.jobId) return entry ? this.view(entry) : null;
    await this.jobs.wait(entry.jobId, { timeoutMs: entry.ttl, ...(sink ? { sink } : {}) });
    return this.getTask(taskId, sessionId);
  }

  async getTask(taskId: string, sessionId?: string): Promise<Task | null> {
    const entry = this.find(taskId, sessionId);
    return entry ? this.view(entry) : null;
  }

  /** tasks/result: waits for the job (until the task's TTL), then the tool's usual answer. */
  async result(taskId: string, sessionId: string | undefined, signal?: AbortSignal): Promise<Result> {
    const entry = this.find(taskId, sessionId);
    if (!entry) throw unknownTask(taskId);
    if (entry.stored) return entry.stored.result;
    if (entry.jobId && this.jobs.get(entry.jobId)?.status === "running") {
      await this.jobs.wait(entry.jobId, { timeoutMs: entry.ttl, ...(signal ? { signal } : {}) });
    }
    const job = entry.jobId ? this.jobs.get(entry.jobId) : undefined;
    if (job && job.status !== "running" && entry.answer) return entry.answer(job);
    if (!job && entry.jobId) {
      return { content: [{ type: "text", text: `Job ${entry.jobId} is no longer held by this server (it restarted or pruned old jobs).` }], isError: true };
    }
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Task ${taskId} has no result yet; poll tasks/get.`);
  }

  /** tasks/cancel: the job winds down (it removes an unfinished cut or render it started) before the answer. */
  async cancel(taskId: string, sessionId: string | undefined): Promise<Task> {
    const entry = this.find(taskId, sessionId);
    if (!entry) throw unknownTask(taskId);
    const before = this.view(entry);
    if (before && TERMINAL.has(before.status)) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Task ${taskId} is already ${before.status}; it cannot be cancelled.`);
    }
    await this.stop(entry);
    return this.view(entry) as Task;
  }

  /**
   * Cancels a task unless it is over already, and says whether the task exists (the 2026 tasks extension
   * answers a cancel of a finished task like any other; only an unknown id is an error there).
   */
  async cancelIfRunning(taskId: string, sessionId: string | undefined): Promise<boolean> {
    const entry = this.find(taskId, sessionId);
    if (!entry) return false;
    const before = this.view(entry);
    if (before && !TERMINAL.has(before.status)) await this.stop(entry);
    return true;
  }

  /**
   * The task and, once it is over, the tool's answer, without waiting: the 2026 tasks extension has no
   * tasks/result and inlines the answer in tasks/get. `gone`: the job behind the task is no longer held.
   */
  settled(taskId: string, sessionId: string | undefined): { task: Task; result?: CallToolResult; gone?: true } | null {
    const entry = this.find(taskId, sessionId);
    if (!entry) return null;
    const task = this.view(entry) as Task;
    if (entry.stored) return { task, result: entry.stored.result as CallToolResult };
    const job = entry.jobId ? this.jobs.get(entry.jobId) : undefined;
    if (!job) return { task, gone: true };
    return job.status !== "running" && entry.answer ? { task, result: entry.answer(job) } : { task };
  }

  private async stop(entry: Entry): Promise<void> {
    if (entry.jobId) await this.jobs.cancel(entry.jobId);
    else entry.stored = { status: "cancelled", result: { content: [{ type: "text", text: "Cancelled." }], isError: true }, at: new Date().toISOString() };
  }

  async listTasks(cursor?: string, sessionId?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    this.prune();
    const visible = [...this.entries.values()].filter((e) => e.sessionId === sessionId);
    const start = cursor ? Math.max(0, visible.findIndex((e) => e.taskId === cursor) + 1) : 0;
    if (cursor && start === 0) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown cursor ${cursor}`);
    const page = visible.slice(start, start + PAGE);
    const tasks = page.map((e) => this.view(e)).filter((t): t is Task => t !== null);
    const last = page.at(-1);
    return { tasks, ...(start + PAGE < visible.length && last ? { nextCursor: last.taskId } : {}) };
  }

  /** The tasks/* methods of the 2025 wire, owned here. */
  register(server: Server): void {
    const byId = z.object({ taskId: z.string() }).loose();
    const related = (taskId: string) => ({ _meta: { [RELATED_TASK]: { taskId } } });
    server.setRequestHandler("tasks/get", { params: byId }, async (params, ctx) => {
      const task = await this.getTask(params.taskId, ctx.sessionId);
      if (!task) throw unknownTask(params.taskId);
      return task;
    });
    server.setRequestHandler("tasks/result", { params: byId }, async (params, ctx) => {
      const result = await this.result(params.taskId, ctx.sessionId, ctx.mcpReq.signal);
      return { ...result, _meta: { ...(result._meta ?? {}), ...related(params.taskId)._meta } };
    });
    server.setRequestHandler("tasks/list", { params: z.object({ cursor: z.string().optional() }).loose() }, async (params, ctx) =>
      this.listTasks(params.cursor, ctx.sessionId),
    );
    server.setRequestHandler("tasks/cancel", { params: byId }, async (params, ctx) => this.cancel(params.taskId, ctx.sessionId));
  }

  private find(taskId: string, sessionId: string | undefined): Entry | undefined {
    this.prune();
    const entry = this.entries.get(taskId);
    // A task belongs to the session that created it; another session is told it does not exist.
    return entry && entry.sessionId === sessionId ? entry : undefined;
  }

  private view(entry: Entry): Task | null {
    const base = { taskId: entry.taskId, ttl: entry.ttl, createdAt: entry.createdAt, pollInterval: TASK_POLL_INTERVAL_MS };
    if (entry.stored) return { ...base, status: entry.stored.status, lastUpdatedAt: entry.stored.at };
    const job = entry.jobId ? this.jobs.get(entry.jobId) : undefined;
    if (job) {
      const status = STATUS[job.status];
      const message =
        job.status === "running"
          ? `${job.step}: ${job.progress.message} (${Math.round(job.progress.progress)}%)`
          : job.status === "failed" && job.error
            ? `${job.error.code}: ${job.error.message}`
            : undefined;
      return { ...base, status, lastUpdatedAt: job.updated_at, ...(message ? { statusMessage: message.slice(0, 300) } : {}) };
    }
    if (entry.jobId) return { ...base, status: "failed", lastUpdatedAt: entry.createdAt, statusMessage: "The job is no longer held by this server." };
    return { ...base, status: "failed", lastUpdatedAt: entry.createdAt, statusMessage: "The task has neither a job nor a result." };
  }

  /** Drops tasks past their TTL (counted from creation, as the spec says), whatever their state. */
  private prune(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (Date.parse(entry.createdAt) + entry.ttl < now) this.entries.delete(id);
    }
  }
}
