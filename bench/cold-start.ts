// Cold start: spawn `node dist/cli.js` (what `npx roughy-mcp` runs once installed) and time its first answers
// in both protocol eras (legacy: `initialize`, then `tools/list`; 2026: `server/discover`), beside the
// reference server a host is most likely to spawn next to it, @modelcontextprotocol/server-everything, and
// the smallest stdio server the SDK makes (bench/fixtures/minimal-server.mjs). Spawns interleave server by
// server, the order rotated each run, so that the shared machine's noise falls on all of them alike.
// BENCH_BEFORE_CLI=/path/to/an/older/dist/cli.js adds that build as a "before" row.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { CLI, median, NotAvailable, requireFile, ROOT, withTempDir } from "./lib/common.js";
import { ratio, row, spread, verdict, type Bench, type Row } from "./lib/report.js";
import { probe, type Probe } from "./lib/stdio-probe.js";

const GOAL_RATIO = 0.75;
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
/** Pinned, so that the baseline moves only when this line does. */
const EVERYTHING = "@modelcontextprotocol/server-everything@2026.8.31";
/** A throwaway install of the reference server (git-ignored), made on first use. */
const REFERENCE_DIR = path.join(ROOT, ".cache", "bench-servers");

async function referenceServer(): Promise<string> {
  const entry = path.join(REFERENCE_DIR, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
  if (!existsSync(entry)) {
    try {
      await promisify(execFile)("npm", ["install", "--prefix", REFERENCE_DIR, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", EVERYTHING], {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      throw new NotAvailable(`could not install ${EVERYTHING} into .cache/bench-servers (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
    }
  }
  return requireFile(entry, EVERYTHING);
}

type Server = { name: string; args: string[]; env: Record<string, string> };
type Samples = { legacy: Probe[]; stateless: Probe[] };

export const coldStart: Bench = {
  id: "cold-start",
  title: "Cold start",
  async run(): Promise<Row[]> {
    requireFile(CLI, "the MCP server build");
    const everything = await referenceServer();
    const before = process.env.BENCH_BEFORE_CLI;
    return withTempDir("cold", async (dir) => {
      const servers: Server[] = [
        // No key: the default, sandbox mode, where the sandbox must not start before a tool needs it.
        { name: "roughy-mcp", args: [CLI], env: { ROUGHY_SANDBOX_DIR: dir } },
        { name: "server-everything", args: [everything, "stdio"], env: {} },
        { name: "minimal SDK server", args: [path.join(ROOT, "bench", "fixtures", "minimal-server.mjs")], env: {} },
        ...(before ? [{ name: "before (BENCH_BEFORE_CLI)", args: [before], env: { ROUGHY_SANDBOX_DIR: dir } }] : []),
      ];
      const samples = servers.map((): Samples => ({ legacy: [], stateless: [] }));
      // Run 0 is unmeasured: it warms the OS file cache, which every later start of a host also has.
      for (let run = 0; run <= RUNS; run++) {
        for (let i = 0; i < servers.length; i++) {
          const k = (i + run) % servers.length;
          const server = servers[k]!;
          const legacy = await probe(process.execPath, server.args, server.env, "legacy");
          const stateless = await probe(process.execPath, server.args, server.env, "2026");
          if (run === 0) continue;
          samples[k]!.legacy.push(legacy);
          samples[k]!.stateless.push(stateless);
        }
      }
      const [ours, ref, minimal, older] = samples as [Samples, Samples, Samples, Samples | undefined];
      const bench = "cold start";
      const of = `median of ${RUNS} (min–max)`;
      const show = (values: number[]) => (values.some(Number.isNaN) ? "no answer (error)" : `${spread(values, (v) => v.toFixed(0))} ms`);
      /** Ratio of the medians, then the spread of the same ratio spawn pair by spawn pair. */
      const paired = (a: number[], b: number[]) => {
        if (a.some(Number.isNaN) || b.some(Number.isNaN)) return "";
        return `${ratio(median(a), median(b))}; per run ${spread(a.map((v, i) => v / b[i]!), (v) => v.toFixed(2))}`;
      };
      const meets = (a: number[], b: number[]) => !a.some(Number.isNaN) && median(a) / median(b) <= GOAL_RATIO;

      const list = (s: Samples) => s.legacy.map((p) => p.second);
      const init = (s: Samples) => s.legacy.map((p) => p.first);
      const discover = (s: Samples) => s.stateless.map((p) => p.first);
      // A reference server on the legacy SDK line answers server/discover with an error; the first answer it
      // can give a host at all, its initialize answer, is then the fair bar.
      const refSpeaks2026 = !discover(ref).some(Number.isNaN);
      const refDiscover = refSpeaks2026 ? discover(ref) : init(ref);
      const refDiscoverName = refSpeaks2026 ? "server-everything" : "server-everything's initialize answer (it has no server/discover)";
      return [
        row({
          bench,
          metric: `spawn → tools/list answer, legacy era (initialize first), ${of}`,
          measured: show(list(ours)),
          baseline: `${show(list(ref))} server-everything`,
          ratio: paired(list(ours), list(ref)),
          goal: `≤ ${GOAL_RATIO}x`,
          verdict: verdict(meets(list(ours), list(ref))),
        }),
        row({
          bench,
          metric: `spawn → server/discover answer, 2026 era, ${of}`,
          measured: show(discover(ours)),
          baseline: `${show(refDiscover)} ${refDiscoverName}`,
          ratio: paired(discover(ours), refDiscover),
          goal: `≤ ${GOAL_RATIO}x`,
          verdict: verdict(meets(discover(ours), refDiscover)),
        }),
        row({
          bench,
          metric: `spawn → initialize answer, ${of}`,
          measured: show(init(ours)),
          baseline: `${show(init(ref))} server-everything`,
          ratio: paired(init(ours), init(ref)),
        }),
        row({
          bench,
          metric: `diagnostic: spawn → tools/list answer, ${of}`,
          measured: show(list(ours)),
          baseline: `${show(list(minimal))} minimal SDK server`,
          ratio: paired(list(ours), list(minimal)),
        }),
        ...(older
          ? [
              row({
                bench,
                metric: `before (BENCH_BEFORE_CLI): spawn → tools/list answer, ${of}`,
                measured: show(list(older)),
                baseline: `${show(list(ref))} server-everything`,
                ratio: paired(list(older), list(ref)),
              }),
            ]
          : []),
      ];
    });
  },
};
