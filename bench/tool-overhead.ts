// Tool-call overhead: a cheap read tool through an MCP Client over stdio (node dist/cli.js in remote mode,
// pointed at an in-process sandbox with its key) vs the same read made directly with the client library.
// Calls alternate between the two paths so that drift (GC, caches) hits both alike.

import { CLI, median, nowMs, percentile, requireFile, withTempDir } from "./lib/common.js";
import { clientFor, startSandbox, type BenchClient } from "./lib/backend.js";
import { completedCut, readyAsset } from "./lib/media.js";
import { connectStdio, pickTool } from "./lib/mcp.js";
import { ms, ratio, row, verdict, type Bench, type Row } from "./lib/report.js";
import path from "node:path";

const GOAL_ADDED_MS = 2;
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const WARMUP = 40;

type Target = { tool: string; args: Record<string, unknown>; direct: () => Promise<unknown>; what: string };

/** The cheapest read the server offers for a resource we managed to create, best first. */
async function targets(client: BenchClient, ids: { cut?: string; asset?: string }): Promise<Target[]> {
  const list: Target[] = [];
  if (ids.cut) list.push({ tool: "get_cut", args: { cut_id: ids.cut }, direct: () => client.cuts.get(ids.cut!), what: "get a cut" });
  if (ids.asset) list.push({ tool: "get_asset", args: { asset_id: ids.asset }, direct: () => client.assets.get(ids.asset!), what: "get an asset" });
  return list;
}

export const toolOverhead: Bench = {
  id: "tool-overhead",
  title: "Tool-call overhead",
  async run(): Promise<Row[]> {
    requireFile(CLI, "the MCP server build");
    return withTempDir("overhead", async (dir) => {
      const sandbox = await startSandbox(path.join(dir, "sandbox"));
      try {
        const client = await clientFor(sandbox);
        const project = await client.projects.create({ name: "bench overhead" });
        const ids: { cut?: string; asset?: string } = {};
        let setupNote = "";
        try {
          const asset = await readyAsset(client, sandbox, project.id, { transcript: true });
          ids.asset = asset.id;
          ids.cut = (await completedCut(client, asset.id, null)).id;
        } catch (error) {
          setupNote = ` (cut not available: ${error instanceof Error ? error.message : String(error)})`;
        }

        const session = await connectStdio({
          env: { ROUGHY_API_KEY: sandbox.apiKey, ROUGHY_BASE_URL: sandbox.baseUrl, ROUGHY_SANDBOX_DIR: path.join(dir, "unused") },
        });
        try {
          const { tools } = await session.client.listTools();
          const candidates = await targets(client, ids);
          const target = candidates.find((c) => pickTool(tools, [c.tool]));
          if (!target) {
            return [row({ bench: "tool overhead", metric: "", measured: `n/a: none of ${candidates.map((c) => c.tool).join(", ") || "get_cut, get_asset"} is offered${setupNote}`, verdict: "n/a" })];
          }
          const viaMcp: number[] = [];
          const direct: number[] = [];
          for (let i = 0; i < WARMUP + CALLS; i++) {
            const t0 = nowMs();
            await target.direct();
            const t1 = nowMs();
            const result = await session.client.callTool({ name: target.tool, arguments: target.args });
            const t2 = nowMs();
            if (result.isError) throw new Error(`${target.tool} answered an error: ${JSON.stringify(result.content).slice(0, 200)}`);
            if (i < WARMUP) continue;
            direct.push(t1 - t0);
            viaMcp.push(t2 - t1);
          }
          const bench = "tool overhead";
          const p50m = median(viaMcp);
          const p50d = median(direct);
          const p99m = percentile(viaMcp, 99);
          const p99d = percentile(direct, 99);
          return [
            row({ bench, metric: `${target.tool} p50 over stdio (${CALLS} calls)`, measured: ms(p50m, 2), baseline: `${ms(p50d, 2)} client direct`, ratio: ratio(p50m, p50d), goal: "", verdict: "info" }),
            row({ bench, metric: `${target.tool} p99 over stdio`, measured: ms(p99m, 2), baseline: `${ms(p99d, 2)} client direct`, ratio: ratio(p99m, p99d), goal: "", verdict: "info" }),
            row({ bench, metric: "added by MCP at p50", measured: ms(p50m - p50d, 2), baseline: "", ratio: "", goal: `< ${GOAL_ADDED_MS} ms`, verdict: verdict(p50m - p50d < GOAL_ADDED_MS) }),
            row({ bench, metric: "added by MCP at p99", measured: ms(p99m - p99d, 2), baseline: "", ratio: "", goal: "", verdict: "info" }),
          ];
        } finally {
          await session.close();
        }
      } finally {
        await sandbox.close();
      }
    });
  },
};
