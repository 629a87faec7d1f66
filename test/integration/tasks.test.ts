// MCP Tasks (2025-11-25) for cut_to_script: the server advertises tasks and lists the tool with
// execution.taskSupport; a task-augmented call answers at once with a task backed by the server's job, whose
// status tasks/get reads, whose result tasks/result answers (the same result as a plain call), and which
// tasks/cancel stops. A client that does not speak Tasks gets today's behaviour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { CreateTaskResultSchema } from "@modelcontextprotocol/sdk/experimental/tasks";
import { CallToolResultSchema, TaskStatusNotificationSchema, type CallToolResult, type Progress, type Task } from "@modelcontextprotocol/sdk/types.js";
import { RoughyClient } from "../../src/client/index.js";
import { follow } from "../../src/progress/follow.js";
import { FIXTURE_M4A, FIXTURE_SCRIPT, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { attachTruth, startWorkspace, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let conn: Connected;
let api: RoughyClient;
let ws: Workspace;

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
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
}, 60_000);

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

async function callAsTask(name: string, args: Record<string, unknown>, progress?: Progress[]) {
  return conn.client.request({ method: "tools/call", params: { name, arguments: args, task: { ttl: 600_000 } } }, CreateTaskResultSchema, {
    ...(progress ? { onprogress: (p: Progress) => void progress.push(p) } : {}),
  });
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
    conn.client.setNotificationHandler(TaskStatusNotificationSchema, (n) => void statuses.push(n.params));
    const progress: Progress[] = [];
    const created = await callAsTask(
      "cut_to_script",
      { asset_id: assetId, script: await readFile(FIXTURE_SCRIPT, "utf8"), exports: ["srt"], render: "none", output_dir: ws.dir },
      progress,
    );
    const taskId = created.task.taskId;
    expect(created.task.status).toBe("working");
    expect(created.task.pollInterval).toBeGreaterThan(0);

    // The task is the job: roughy_wait kind=job sees the same id.
    const viaWait = await conn.call("roughy_wait", { kind: "job", id: taskId, wait_seconds: 0 });
    expect(viaWait.isError, textOf(viaWait)).toBeFalsy();

    const status = await conn.client.experimental.tasks.getTask(taskId);
    expect(["working", "completed"]).toContain(status.status);
    const listed = await conn.client.experimental.tasks.listTasks();
    expect(listed.tasks.map((t) => t.taskId)).toContain(taskId);

    // tasks/result blocks until the job ends, then answers what a plain call would have.
    const result = (await conn.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, { timeout: 90_000 })) as CallToolResult;
    expect(result.isError, textOf(result)).toBeFalsy();
    const data = result.structuredContent as { id: string; status: string; cut_id: string; exports: { format: string; path: string }[] };
    expect(data.id).toBe(taskId);
    expect(data.status).toBe("completed");
    expect(data.exports.map((e) => e.format)).toEqual(["srt"]);
    expect(textOf(result)).toContain(`Job ${taskId} completed`);
    expect((await conn.client.experimental.tasks.getTask(taskId)).status).toBe("completed");
    // The job's progress kept coming on the call's token, and its end was announced.
    for (let i = 0; i < 50 && !statuses.some((s) => s.taskId === taskId); i++) await new Promise((r) => setTimeout(r, 100));
    expect(statuses.find((s) => s.taskId === taskId)?.status).toBe("completed");
    expect(progress.at(-1)?.progress).toBe(100);
  }, 120_000);

  it("the SDK's callToolStream picks the task path on its own and ends with the result", async () => {
    const assetId = await readyAsset("task stream");
    await conn.client.listTools(); // the client learns which tools take tasks from the list
    const seen: string[] = [];
    let final: CallToolResult | undefined;
    for await (const message of conn.client.experimental.tasks.callToolStream({ name: "cut_to_script", arguments: { asset_id: assetId, exports: ["vtt"], render: "none", output_dir: ws.dir } }, CallToolResultSchema, { timeout: 90_000 })) {
      seen.push(message.type);
      if (message.type === "result") final = message.result as CallToolResult;
      if (message.type === "error") throw message.error;
    }
    expect(seen[0]).toBe("taskCreated");
    expect(final?.isError, final ? textOf(final) : "no result").toBeFalsy();
    expect((final?.structuredContent as { status: string }).status).toBe("completed");
  }, 120_000);

  it("tasks/cancel cancels the job", async () => {
    const assetId = await readyAsset("task cancel");
    const created = await callAsTask("cut_to_script", { asset_id: assetId, exports: ["srt"], render: "mp4", output_dir: ws.dir });
    const cancelled = await conn.client.experimental.tasks.cancelTask(created.task.taskId);
    expect(cancelled.status).toBe("cancelled");
    const job = await conn.call("roughy_wait", { kind: "job", id: created.task.taskId, wait_seconds: 0 });
    expect((job.structuredContent as { state: string }).state).toBe("canceled");
    const result = (await conn.client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(textOf(result)).toContain("was canceled");
  }, 60_000);

  it("a refused start is a failed task with the usual message; a tool without task support is refused", async () => {
    const refused = await callAsTask("cut_to_script", { script: "no source given" });
    expect(refused.task.status).toBe("failed");
    const result = (await conn.client.experimental.tasks.getTaskResult(refused.task.taskId, CallToolResultSchema)) as CallToolResult;
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
