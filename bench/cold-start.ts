// Cold start: spawn `node dist/cli.js` (what `npx roughy-mcp` runs once installed) and time the opening
// answer and the first `tools/list` answer, median of several spawns, in both protocol eras: `initialize`
// (2025-11-25) and `server/discover` (2026-07-28). Baselines spawned the same way in the same run: the
// reference server `@modelcontextprotocol/server-everything` (installed into .cache/ on first use; it serves
// the 2025 era only) and the smallest stdio server the SDK makes (bench/fixtures/minimal-server.mjs).
// BENCH_BEFORE_CLI=/path/to/an/older/dist/cli.js adds that build as a "before" row.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CLI, median, nowMs, NotAvailable, requireFile, ROOT, withTempDir } from "./lib/common.js";
import { connectStdio } from "./lib/mcp.js";
import { ms, ratio, row, verdict, type Bench, type Row } from "./lib/report.js";

const GOAL_MS = 300;
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const EVERYTHING_VERSION = process.env.BENCH_EVERYTHING_VERSION ?? "2026.8.31";
const EVERYTHING_DIR = path.join(ROOT, ".cache", "bench", `server-everything-${EVERYTHING_VERSION}`);

type Figures = { open: number; list: number };
type Subject = { args: string[]; env: Record<string, string>; era: "legacy" | "modern" };

async function once(subject: Subject): Promise<{ open: number; list: number }> {
  const session = await connectStdio(subject);
  const t0 = nowMs();
  await session.client.listTools();
  const list = session.initializeMs + (nowMs() - t0);
  await session.close();
  return { open: session.initializeMs, list };
}

/**
 * Every subject once per round, round after round: a machine whose load drifts during the run (a shared
 * CI host) then weighs on every subject alike, so the ratios hold even when the absolute figures do not.
 */
async function measure(subjects: Subject[]): Promise<Figures[]> {
  const samples = subjects.map(() => ({ open: [] as number[], list: [] as number[] }));
  // One unmeasured round first: it warms the OS file cache, which every later start of a host also has.
  for (let round = 0; round <= RUNS; round++) {
    for (const [i, subject] of subjects.entries()) {
      const figures = await once(subject);
      if (round === 0) continue;
      samples[i]!.open.push(figures.open);
      samples[i]!.list.push(figures.list);
    }
  }
  return samples.map((s) => ({ open: median(s.open), list: median(s.list) }));
}

/** The reference server, installed once into .cache/ (never into package.json: it is only a yardstick). */
function everythingEntry(): string {
  const entry = path.join(EVERYTHING_DIR, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
  if (!existsSync(entry)) {
    try {
      execFileSync("npm", ["install", "--prefix", EVERYTHING_DIR, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `@modelcontextprotocol/server-everything@${EVERYTHING_VERSION}`], { stdio: "ignore" });
    } catch {
      throw new NotAvailable("could not install @modelcontextprotocol/server-everything (no registry?)");
    }
  }
  return requireFile(entry, "server-everything");
}

export const coldStart: Bench = {
  id: "cold-start",
  title: "Cold start",
  async run(): Promise<Row[]> {
    requireFile(CLI, "the MCP server build");
    const minimal = [path.join(ROOT, "bench", "fixtures", "minimal-server.mjs")];
    const everything = [everythingEntry(), "stdio"];
    const before = process.env.BENCH_BEFORE_CLI;
    return withTempDir("cold", async (dir) => {
      // No key: the default, sandbox mode, where the sandbox must not start before a tool needs it.
      const env = { ROUGHY_SANDBOX_DIR: dir };
      const subjects: Subject[] = [
        { args: [CLI], env, era: "legacy" },
        { args: [CLI], env, era: "modern" },
        { args: everything, env: {}, era: "legacy" },
        { args: minimal, env: {}, era: "legacy" },
        ...(before ? [{ args: [before], env, era: "legacy" as const }] : []),
      ];
      const [oursLegacy, oursModern, ref, base, beforeLegacy] = (await measure(subjects)) as [Figures, Figures, Figures, Figures, Figures | undefined];
      const bench = "cold start";
      const against = (figure: number, refFigure: number) => ({ baseline: `${ms(refFigure)} server-everything`, ratio: ratio(figure, refFigure) });
      const rows = [
        row({ bench, metric: `spawn → initialize answer (median of ${RUNS})`, measured: ms(oursLegacy.open), ...against(oursLegacy.open, ref.open), goal: `< ${GOAL_MS} ms`, verdict: verdict(oursLegacy.open < GOAL_MS) }),
        row({ bench, metric: `spawn → first tools/list, 2025-11-25 (median of ${RUNS})`, measured: ms(oursLegacy.list), ...against(oursLegacy.list, ref.list), goal: `< ${GOAL_MS} ms`, verdict: verdict(oursLegacy.list < GOAL_MS) }),
        // server-everything has no 2026-07-28 side: the 2025 figures are its nearest.
        row({ bench, metric: `spawn → server/discover answer (median of ${RUNS})`, measured: ms(oursModern.open), ...against(oursModern.open, ref.open), goal: `< ${GOAL_MS} ms`, verdict: verdict(oursModern.open < GOAL_MS) }),
        row({ bench, metric: `spawn → first tools/list, 2026-07-28 (median of ${RUNS})`, measured: ms(oursModern.list), ...against(oursModern.list, ref.list), goal: `< ${GOAL_MS} ms`, verdict: verdict(oursModern.list < GOAL_MS) }),
        row({ bench, metric: "minimal SDK server: initialize / tools/list", measured: `${ms(base.open)} / ${ms(base.list)}`, baseline: "-", ratio: "-", goal: "-", verdict: "info" }),
      ];
      if (beforeLegacy) {
        rows.push(row({ bench, metric: `before (BENCH_BEFORE_CLI): initialize / tools/list`, measured: `${ms(beforeLegacy.open)} / ${ms(beforeLegacy.list)}`, ...against(beforeLegacy.list, ref.list), goal: `< ${GOAL_MS} ms`, verdict: verdict(beforeLegacy.list < GOAL_MS) }));
      }
      return rows;
    });
  },
};
