// MCP Tasks on the 2026-07-28 wire: the official tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`).
// The 2025 wire's tasks are core methods (task-store.ts registers them); on 2026 they are an extension the
// server advertises in server/discover and a client declares per request in its `_meta` client capabilities.
// The server decides: a tools/call of cut_to_script from a declaring client answers at once with a flat
// CreateTaskResult, and tasks/get is then the only way to the answer (inlined, no tasks/result, no tasks/list).
// The state is the same JobTaskStore over the job manager, so `roughy_wait kind=job` sees the same job.
//
// This module is the one owner of tasks/get, tasks/update and tasks/cancel on a 2026 instance; a 2025 instance
// registers task-store.ts's handlers instead, never both.

import { z } from "zod";
import { CLIENT_CAPABILITIES_META_KEY, MissingRequiredClientCapabilityError, type CallToolResult, type Server, type ServerContext, type Task } from "@modelcontextprotocol/server";
import type { JobTaskStore } from "./task-store.js";
import { ProtocolError, ProtocolErrorCode } from "../vocabulary/errors.js";

export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

/** What server/discover advertises under `capabilities.extensions`. */
export const TASKS_EXTENSION_CAPABILITY = { [TASKS_EXTENSION]: {} };

/** Whether this request's client declared the tasks extension (2026-07-28: per request, in the `_meta` envelope). */
export function declaresTasks(ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const caps = envelope?.[CLIENT_CAPABILITIES_META_KEY] as { extensions?: Record<string, unknown> } | undefined;
  return Boolean(caps?.extensions?.[TASKS_EXTENSION]);
}

/** A task as the extension spells it: durations in integer milliseconds under `ttlMs` and `pollIntervalMs`. */
function wireTask(task: Task): Record<string, unknown> {
  const { ttl, pollInterval, ...rest } = task;
  return {
    ...rest,
    ttlMs: typeof ttl === "number" ? Math.round(ttl) : null,
    ...(typeof pollInterval === "number" ? { pollIntervalMs: Math.round(pollInterval) } : {}),
  };
}

/** The tools/call answer that starts a task: flat, with no result yet (that comes with tasks/get). */
export function createTaskResult(task: Task): CallToolResult {
  // The SDK types a tools/call answer as a CallToolResult; on this wire it passes a `resultType` other than
  // "complete" through as the handler gave it.
  return { resultType: "task", ...wireTask(task) } as unknown as CallToolResult;
}

function unknownTask(taskId: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown task ${taskId}: use the taskId a tools/call of cut_to_script answered with.`);
}

function requireExtension(ctx: ServerContext, method: string): void {
  if (declaresTasks(ctx)) return;
  throw new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    `${method} needs the ${TASKS_EXTENSION} extension: declare it in the request's client capabilities (_meta), then call cut_to_script again.`,
  );
}

/**
 * tasks/get's DetailedTask. Whatever the tool answers is a `completed` task with the answer under `result`,
 * the same answer a waiting plain call gives (a job that failed is data there: status failed and the reason);
 * `failed` with an `error` is kept for a task this server can no longer answer for (a protocol-level end).
 */
function detailedTask(found: NonNullable<ReturnType<JobTaskStore["settled"]>>): Record<string, unknown> {
  const task = wireTask(found.task);
  if (found.gone) {
    return { ...task, status: "failed", error: { code: ProtocolErrorCode.InternalError, message: "The job behind this task is no longer held by this server (it restarted or pruned old jobs)." } };
  }
  if (found.task.status === "cancelled") return task;
  if (found.result) return { ...task, status: "completed", result: found.result };
  return task;
}

/** The extension's methods on one 2026-07-28 instance. */
export function registerTasksExtension(server: Server, store: JobTaskStore): void {
  const byId = z.object({ taskId: z.string() }).loose();
  server.setRequestHandler("tasks/get", { params: byId }, async (params, ctx) => {
    requireExtension(ctx, "tasks/get");
    const found = store.settled(params.taskId, ctx.sessionId);
    if (!found) throw unknownTask(params.taskId);
    return detailedTask(found);
  });
  server.setRequestHandler("tasks/update", { params: byId }, async (params, ctx) => {
    requireExtension(ctx, "tasks/update");
    const found = store.settled(params.taskId, ctx.sessionId);
    if (!found) throw unknownTask(params.taskId);
    // cut_to_script asks everything it needs before its task starts, so no task of ours waits for input.
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Task ${params.taskId} is ${found.task.status}, not input_required: it takes no input; poll tasks/get.`);
  });
  server.setRequestHandler("tasks/cancel", { params: byId }, async (params, ctx) => {
    requireExtension(ctx, "tasks/cancel");
    // The job winds down (its render is cancelled, an upload stays resumable) before the ack; a finished
    // task is acknowledged the same way, only an unknown id is an error.
    if (!(await store.cancelIfRunning(params.taskId, ctx.sessionId))) throw unknownTask(params.taskId);
    return {};
  });
}
