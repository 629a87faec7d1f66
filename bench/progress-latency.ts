// Progress latency: from a state change in the sandbox to the MCP progress notification that reports it.
// A render is started directly with the client, then the `roughy_wait` tool follows it with a progress token; the
// render takes long enough that the follow is subscribed before it ends. The sandbox stamps completed_at
// when the render completes (same process, same clock); the latency is the arrival of the notification
// that reports completion (or of the tool result, if that comes first) minus that stamp. Once with SSE, once with the events path faulted to 404 so that
// only polling is left (the baseline).

import path from "node:path";
import { CLI, median, requireFile, withTempDir } from "./lib/common.js";
import { clientFor, sandboxControl, startSandbox, type BenchClient, type Resource, type Sandbox } from "./lib/backend.js";
import { readyAsset, untilDone } from "./lib/media.js";
import { connectStdio, pickTool, type McpSession } from "./lib/mcp.js";
import { ms, ratio, row, verdict, type Bench, type Row } from "./lib/report.js";

const GOAL_SSE_MS = 50;
const RUNS = Number(process.env.BENCH_PROGRESS_RUNS ?? 5);

type Sample = { latencyMs: number; via: "notification" | "result" };

async function oneRun(session: McpSession, client: BenchClient, assetId: string): Promise<Sample> {
  const render = await client.renders.create({ asset_id: assetId, output: "mp4" });
  let completionSeenAt: number | null = null;
  const result = await session.client.callTool(
    { name: "roughy_wait", arguments: { kind: "render", id: render.id, wait_seconds: 50 } },
    undefined,
    {
      onprogress: (p) => {
        // The first notification that speaks of completion (or reaches the end of the scale).
        const done = /complet|finished|done/i.test(p.message ?? "") || (p.total !== undefined && p.progress >= p.total);
        if (done && completionSeenAt === null) completionSeenAt = Date.now();
      },
      resetTimeoutOnProgress: true,
      timeout: 120_000,
    },
  );
  const resultAt = Date.now();
  if (result.isError) throw new Error(`wait answered an error: ${JSON.stringify(result.content).slice(0, 200)}`);
  const final: Resource = await untilDone(() => client.renders.get(render.id), "the render");
  if (final.state !== "completed") throw new Error(`render ended ${final.state}`);
  const completedAt = Date.parse(String(final.completed_at));
  return completionSeenAt !== null
    ? { latencyMs: completionSeenAt - completedAt, via: "notification" }
    : { latencyMs: resultAt - completedAt, via: "result" };
}

async function series(sandbox: Sandbox, client: BenchClient, assetId: string, dir: string): Promise<Sample[]> {
  const session = await connectStdio({
    env: { ROUGHY_API_KEY: sandbox.apiKey, ROUGHY_BASE_URL: sandbox.baseUrl, ROUGHY_SANDBOX_DIR: path.join(dir, "unused") },
  });
  try {
    const { tools } = await session.client.listTools();
    if (!pickTool(tools, ["roughy_wait"])) throw new Error("the server offers no `roughy_wait` tool");
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await oneRun(session, client, assetId));
    return samples;
  } finally {
    await session.close();
  }
}

function describe(samples: readonly Sample[]): string {
  const viaNotification = samples.filter((s) => s.via === "notification").length;
  return `${viaNotification}/${samples.length} as a progress notification, the rest first seen in the tool result`;
}

export const progressLatency: Bench = {
  id: "progress",
  title: "Progress latency",
  async run(): Promise<Row[]> {
    requireFile(CLI, "the MCP server build");
    return withTempDir("progress", async (dir) => {
      const sandbox = await startSandbox(path.join(dir, "sandbox"));
      try {
        const client = await clientFor(sandbox);
        const project = await client.projects.create({ name: "bench progress" });
        const asset = await readyAsset(client, sandbox, project.id, { transcript: true });

        const sse = await series(sandbox, client, asset.id, dir);
        await sandboxControl(sandbox, "POST", "/sandbox/faults", { path: `/v1/assets/${asset.id}/events`, count: 1000, status: 404 });
        const poll = await series(sandbox, client, asset.id, dir);
        await sandboxControl(sandbox, "DELETE", "/sandbox/faults");

        const sseMs = median(sse.map((s) => s.latencyMs));
        const pollMs = median(poll.map((s) => s.latencyMs));
        const bench = "progress latency";
        const worst = (samples: readonly Sample[]) => ms(Math.max(...samples.map((x) => x.latencyMs)), 1);
        return [
          row({ bench, metric: `render completed → MCP client told, SSE (median of ${RUNS})`, measured: `${ms(sseMs, 1)} (max ${worst(sse)})`, baseline: `${ms(pollMs, 1)} polling only`, ratio: ratio(sseMs, pollMs), goal: `< ${GOAL_SSE_MS} ms`, verdict: verdict(sseMs < GOAL_SSE_MS) }),
          row({ bench, metric: "same, polling only (events path 404)", measured: `${ms(pollMs, 1)} (max ${worst(poll)})`, verdict: "info" }),
          row({ bench, metric: "how the completion arrived, SSE / polling", measured: `${describe(sse)} / ${describe(poll)}`, verdict: "info" }),
        ];
      } finally {
        await sandbox.close();
      }
    });
  },
};
