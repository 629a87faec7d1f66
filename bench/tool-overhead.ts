// Tool-call overhead: a cheap read tool through an MCP Client over stdio (node dist/cli.js in remote mode,
// pointed at an in-process sandbox with its key) vs the same read made directly with the client library.
// Calls alternate between the two paths so that drift (GC, caches) hits both alike.

import { CLI, median, NotAvailable, nowMs, percentile, requireFile, withTempDir } from "./lib/common.js";
import { clientFor, startSandbox, type BenchClient } from "./lib/backend.js";
import { completedCut, readyAsset } from "./lib/media.js";
import { connectStdio, pickTool, type McpSession } from "./lib/mcp.js";
import { ms, ratio, row, verdict, type Bench, type Row } from "./lib/report.js";
import path from "node:path";

const GOAL_ADDED_MS = 2;
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const WARMUP = 40;

type Target = { tool: string; args: Record<string, unknown>; direct: () => Promise<unknown>; what: string };

/**
 * Reads through the `roughy_get` tool, each paired with exactly the client calls the tool makes, so the
 * difference is what MCP adds (stdio, JSON-RPC, schemas, the result's text) and not extra API work.
 */
function targets(client: BenchClient, ids: { cut?: string; asset?: string }): Target[] {
  const list: Target[] = [];
  if (ids.cut) {
    const id = ids.cut;
    // A completed cut's view also carries its kept segments, read from the OTIO export.
    list.push({ tool: "roughy_get", args: { kind: "cut", id }, what: "roughy_get kind=cut", direct: async () => { await client.cuts.get(id); await client.cuts.export(id, "otio"); } });
  }
  if (ids.asset) {
    const id = ids.asset;
    list.push({ tool: "roughy_get", args: { kind: "asset", id }, what: "roughy_get kind=asset", direct: () => client.assets.get(id) });
  }
  return list;
}

async function measure(session: McpSession, target: Target): Promise<{ viaMcp: number[]; direct: number[] }> {
  const viaMcp: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const t0 = nowMs();
    await target.direct();
    const t1 = nowMs();
    const result = await session.client.callTool({ name: target.tool, arguments: target.args });
    const t2 = nowMs();
    if (result.isError) throw new Error(`${target.what} answered an error: ${JSON.stringify(result.content).slice(0, 200)}`);
    if (i < WARMUP) continue;
    direct.push(t1 - t0);
    viaMcp.push(t2 - t1);
  }
  return { viaMcp, direct };
}

function rows(target: Target, { viaMcp, direct }: { viaMcp: number[]; direct: number[] }, note: string): Row[] {
  const bench = "tool overhead";
  const p50m = median(viaMcp);
  const p50d = median(direct);
  const p99m = percentile(viaMcp, 99);
  const p99d = percentile(direct, 99);
  return [
    row({ bench, metric: `${target.what}: p50 / p99 over stdio (${CALLS} calls)${note}`, measured: `${ms(p50m, 2)} / ${ms(p99m, 2)}`, baseline: `${ms(p50d, 2)} / ${ms(p99d, 2)} client direct`, ratio: `${ratio(p50m, p50d)} / ${ratio(p99m, p99d)}` }),
    row({ bench, metric: `${target.what}: added by MCP at p50 (p99)`, measured: `${ms(p50m - p50d, 2)} (${ms(p99m - p99d, 2)})`, goal: `< ${GOAL_ADDED_MS} ms at p50`, verdict: verdict(p50m - p50d < GOAL_ADDED_MS) }),
  ];
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
          if (!pickTool(tools, ["roughy_get"])) throw new NotAvailable("the server offers no `roughy_get` tool");
          const candidates = targets(client, ids);
          if (candidates.length === 0) throw new NotAvailable(`no asset or cut to read${setupNote}`);
          const out: Row[] = [];
          for (const target of candidates) out.push(...rows(target, await measure(session, target), ""));
          if (setupNote) out.push(row({ bench: "tool overhead", metric: "note", measured: setupNote.trim() }));
          return out;
        } finally {
          await session.close();
        }
      } finally {
        await sandbox.close();
      }
    });
  },
};
