// Cold start: spawn `node dist/cli.js` (what `npx roughy-mcp` runs once installed) and time the
// `initialize` answer and the `tools/list` answer, median of several spawns. Baseline: the smallest stdio
// server the SDK makes (bench/fixtures/minimal-server.mjs), spawned the same way in the same run.

import path from "node:path";
import { CLI, median, nowMs, requireFile, ROOT, withTempDir } from "./lib/common.js";
import { connectStdio } from "./lib/mcp.js";
import { ms, ratio, row, verdict, type Bench, type Row } from "./lib/report.js";

const GOAL_MS = 300;
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);

async function measure(args: string[], env: Record<string, string>): Promise<{ init: number[]; list: number[] }> {
  const init: number[] = [];
  const list: number[] = [];
  // One unmeasured spawn first: it warms the OS file cache, which every later start of a host also has.
  for (let i = 0; i <= RUNS; i++) {
    const session = await connectStdio({ args, env });
    const t0 = nowMs();
    await session.client.listTools();
    const listMs = session.initializeMs + (nowMs() - t0);
    await session.close();
    if (i === 0) continue;
    init.push(session.initializeMs);
    list.push(listMs);
  }
  return { init, list };
}

export const coldStart: Bench = {
  id: "cold-start",
  title: "Cold start",
  async run(): Promise<Row[]> {
    requireFile(CLI, "the MCP server build");
    const baselineArgs = [path.join(ROOT, "bench", "fixtures", "minimal-server.mjs")];
    return withTempDir("cold", async (dir) => {
      // No key: the default, sandbox mode, where the sandbox must not start before a tool needs it.
      const ours = await measure([CLI], { ROUGHY_SANDBOX_DIR: dir });
      const base = await measure(baselineArgs, {});
      const initOurs = median(ours.init);
      const listOurs = median(ours.list);
      const initBase = median(base.init);
      const listBase = median(base.list);
      const bench = "cold start";
      return [
        row({ bench, metric: `spawn → initialize answer (median of ${RUNS})`, measured: ms(initOurs), baseline: `${ms(initBase)} minimal SDK server`, ratio: ratio(initOurs, initBase), goal: `< ${GOAL_MS} ms`, verdict: verdict(initOurs < GOAL_MS) }),
        row({ bench, metric: `spawn → tools/list answer (median of ${RUNS})`, measured: ms(listOurs), baseline: `${ms(listBase)} minimal SDK server`, ratio: ratio(listOurs, listBase), goal: `< ${GOAL_MS} ms`, verdict: verdict(listOurs < GOAL_MS) }),
      ];
    });
  },
};
