// Context cost: what `tools/list` puts into an agent's context window before it does anything, in bytes of
// the JSON-RPC result and approximate tokens (bytes/4, the usual rule of thumb for English and JSON).
// The baseline is the budget itself: the ratio is the share of the 6,000-token goal used.

import { CLI, requireFile, withTempDir } from "./lib/common.js";
import { connectStdio } from "./lib/mcp.js";
import { row, verdict, type Bench, type Row } from "./lib/report.js";

const GOAL_TOKENS = 6_000;
const tokens = (bytes: number) => Math.round(bytes / 4);

export const contextCost: Bench = {
  id: "context-cost",
  title: "Context cost",
  async run(): Promise<Row[]> {
    requireFile(CLI, "the MCP server build");
    return withTempDir("ctx", async (dir) => {
      const session = await connectStdio({ env: { ROUGHY_SANDBOX_DIR: dir } });
      try {
        const result = await session.client.listTools();
        const bytes = Buffer.byteLength(JSON.stringify(result));
        const sizes = result.tools
          .map((t) => ({ name: t.name, bytes: Buffer.byteLength(JSON.stringify(t)) }))
          .sort((a, b) => b.bytes - a.bytes);
        const bench = "context cost";
        const total = tokens(bytes);
        const rows = [
          row({
            bench,
            metric: `tools/list, ${result.tools.length} tools`,
            measured: `${bytes} B ≈ ${total} tok`,
            baseline: `budget ${GOAL_TOKENS} tok`,
            ratio: `${(total / GOAL_TOKENS).toFixed(2)}x`,
            goal: `< ${GOAL_TOKENS} tok`,
            verdict: verdict(total < GOAL_TOKENS),
          }),
        ];
        const largest = sizes.slice(0, 3).map((s) => `${s.name} ${s.bytes} B (≈${tokens(s.bytes)} tok)`);
        rows.push(row({ bench, metric: "largest tools", measured: largest.join(", ") }));
        return rows;
      } finally {
        await session.close();
      }
    });
  },
};
