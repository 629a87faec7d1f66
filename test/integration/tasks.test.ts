// MCP Tasks (2025-11-25) for cut_to_script: the server advertises tasks and lists the tool with
// execution.taskSupport; a task-augmented call answers at once with a task backed by the server's job, whose
// status tasks/get reads, whose result tasks/result answers (the same result as a plain call), and which
// tasks/cancel stops. A client that does not speak Tasks gets today's behaviour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import {
  CallToolResultSchema,
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  TaskStatusNotificationParamsSchema,
} from "@modelcontextprotocol/core";
import type { CallToolResult, Progress, Task } from "@modelcontextprotocol/client";
import { RoughyClient } from "../../src/client/index.js";
import { follow } from "../../src/progress/follow.js";
import { CALL_TIMEOUT_MS, FIXTURE_M4A, FIXTURE_SCRIPT, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { attachTruth, startWorkspace, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let conn: Connected;
let api: RoughyClient;
let ws: Workspace;
const wireProgress: (Progress & { progressToken: string | number })[] = [];

/** An asset with its true words attached, so that a cut is fast and deterministic. */
async function readyAsset(name: string): Promise<string> {
  const project = await api.projects.create({ name });
  const uploaded = await api.uploads.uploadFile({ path: FIXTURE_M4A, projectId: project.id });
  await attachTruth(sb, uploaded.asset.id);
  await follow(api, "asset", uploaded.asset.id, { timeoutMs: 60_000 });
  return uploaded.asset.id;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-tasks-", { copyMedia: false });
  api = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl });
  // The SDK v2 client stops routing a request's progress once its answer (here: the task) is in, so the
  // progress a task keeps sending to the call's token is read off the wire.
  conn = await connect({
    sandbox: sb.sandbox,
    allowDirs: [ws.dir],
    tap: (message) => {
      if ("method" in message && message.method === "notifications/progress") wireProgress.push(message.params as Progress & { progressToken: string | number });
    },
  });
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

// SDK v2 dropped its task helpers (tasks became an extension), so the tasks/* methods of the 2025 wire are
// sent as the explicit-schema requests the SDK keeps for them.
const tasks = {
  getTask: (taskId: string) => conn.client.request({ method: "tasks/get", params: { taskId } }, GetTaskResultSchema),
  listTasks: () => conn.client.request({ method: "tasks/list", params: {} }, ListTasksResultSchema),
  getTaskResult: (taskId: string, options: { timeout?: number } = {}) =>
    conn.client.request({ method: "tasks/result", params: { taskId } }, CallToolResultSchema, options) as Promise<CallToolResult>,
  cancelTask: (taskId: string) => conn.client.request({ method: "tasks/cancel", params: { taskId } }, CancelTaskResultSchema),
};

async function callAsTask(name: string, args: Record<string, unknown>, progressToken?: string) {
  const params = { name, arguments: args, task: { ttl: 600_000 }, ...(progressToken ? { _meta: { progressToken } } : {}) };
  return conn.client.request({ method: "tools/call", params }, CreateTaskResultSchema);
}

describe("MCP Tasks", () => {
  it("advertises tasks for tools/call and lists cut_to_script with taskSupport optional", async () => {
    const caps = conn.client.getServerCapabilities();
    expect(caps?.tasks?.requests?.tools?.call).toBeDefined();
    expect(caps?.tasks?.cancel).toBeDefined();
    const { tools } = await conn.client.listTools();
    expect(tools.find((t) => t.name === "cut_to_script")?.execution?.taskSupport).toBe("optional");
    expect(tools.find((t) => t.name === "roughy_get")?.execution).toBeUndefined();
  });

  it("runs cut_to_script as a task: status while it runs, progress to the end, then the tool's result", async () => {
    const assetId = await readyAsset("task run");
    const statuses: Task[] = [];
    conn.client.setNotificationHandler("notifications/tasks/status", { params: TaskStatusNotificationParamsSchema }, (params) => void statuses.push(params as Task));
    const created = await callAsTask(
      "cut_to_script",
      { asset_id: assetId, script: await readFile(FIXTURE_SCRIPT, "utf8"), exports: ["srt"], render: "none", output_dir: ws.dir },
      "task-run",
    );
    const taskId = created.task.taskId;
    expect(created.task.status).toBe("working");
    expect(created.task.pollInterval).toBeGreaterThan(0);

    // The task is the job: roughy_wait kind=job sees the same id.
    const viaWait = await conn.call("roughy_wait", { kind: "job", id: taskId, wait_seconds: 0 });
    expect(viaWait.isError, textOf(viaWait)).toBeFalsy();

    const status = await tasks.getTask(taskId);
    expect(["working", "completed"]).toContain(status.status);
    const listed = await tasks.listTasks();
    expect(listed.tasks.map((t) => t.taskId)).toContain(taskId);

    // tasks/result blocks until the job ends, then answers what a plain call would have.
    const result = (await tasks.getTaskResult(taskId, { timeout: CALL_TIMEOUT_MS })) as CallToolResult;
    expect(result.isError, textOf(result)).toBeFalsy();
    const data = result.structuredContent as { id: string; status: string; cut_id: string; exports: { format: string; path: string }[] };
    expect(data.id).toBe(taskId);
    expect(data.status).toBe("completed");
    expect(data.exports.map((e) => e.format)).toEqual(["srt"]);
    expect(textOf(result)).toContain(`Job ${taskId} completed`);
    expect((await tasks.getTask(taskId)).status).toBe("completed");
    // The job's progress kept coming on the call's token, and its end was announced.
    while (!statuses.some((s) => s.taskId === taskId)) await new Promise((r) => setTimeout(r, 25));
    expect(statuses.find((s) => s.taskId === taskId)?.status).toBe("completed");
    expect(wireProgress.filter((p) => p.progressToken === "task-run").at(-1)?.progress).toBe(100);
  });

  it("a client that polls tasks/get at the pollInterval sees working, then completed, then the result", async () => {
    const assetId = await readyAsset("task poll");
    await conn.client.listTools(); // the client learns which tools take tasks from the list
    const created = await callAsTask("cut_to_script", { asset_id: assetId, exports: ["vtt"], render: "none", output_dir: ws.dir });
    const seen: string[] = [created.task.status];
    let task: Task = created.task;
    while (task.status === "working" || task.status === "input_required") {
      // The server's own pacing: the interval it asked for, not a guess of how long the job takes.
      await new Promise((r) => setTimeout(r, task.pollInterval ?? 1000));
      task = await tasks.getTask(created.task.taskId);
      if (seen.at(-1) !== task.status) seen.push(task.status);
    }
    expect(seen[0]).toBe("working");
    expect(seen.at(-1)).toBe("completed");
    const final = await tasks.getTaskResult(created.task.taskId);
    expect(final.isError, textOf(final)).toBeFalsy();
    expect((final.structuredContent as { status: string }).status).toBe("completed");
  });

  it("tasks/cancel cancels the job", async () => {
    const assetId = await readyAsset("task cancel");
    const created = await callAsTask("cut_to_script", { asset_id: assetId, exports: ["srt"], render: "mp4", output_dir: ws.dir });
    const cancelled = await tasks.cancelTask(created.task.taskId);
    expect(cancelled.status).toBe("cancelled");
    const job = await conn.call("roughy_wait", { kind: "job", id: created.task.taskId, wait_seconds: 0 });
    expect((job.structuredContent as { state: string }).state).toBe("canceled");
    const result = (await tasks.getTaskResult(created.task.taskId)) as CallToolResult;
    expect(textOf(result)).toContain("was canceled");
  });

  it("a refused start is a failed task with the usual message; a tool without task support is refused", async () => {
    const refused = await callAsTask("cut_to_script", { script: "no source given" });
    expect(refused.task.status).toBe("failed");
    const result = (await tasks.getTaskResult(refused.task.taskId)) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Give exactly one of file_path");

    await expect(callAsTask("get_credits", {})).rejects.toThrow(/does not run as a task/);
  });

  it("read-only: a task-augmented cut_to_script is refused with the reason", async () => {
    const ro = await connect({ sandbox: sb.sandbox, server: { readOnly: true } });
    try {
      const call = ro.client.request({ method: "tools/call", params: { name: "cut_to_script", arguments: {}, task: {} } }, CreateTaskResultSchema);
      await expect(call).rejects.toThrow(/read-only/);
    } finally {
      await ro.close();
    }
  });

  it("a plain call (no task) still waits and answers as before", async () => {
    const r = await conn.call("cut_to_script", { script: "no source given" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("Give exactly one of file_path");
  });
});
