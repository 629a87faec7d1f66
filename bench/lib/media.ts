// Getting the generated fixture into a sandbox as a ready asset, and following a cut or render to its end,
// shared by the benches that need real resources (tool overhead, progress latency, sandbox media).

import { readFileSync } from "node:fs";
import { toolchain } from "../../src/media-tools/index.js";
import path from "node:path";
import { requireFile, FIXTURES, waitFor } from "./common.js";
import { sandboxControl, type BenchClient, type Resource, type Sandbox } from "./backend.js";

export const FIXTURE_MP4 = path.join(FIXTURES, "interview.mp4");
const TRUTH = path.join(FIXTURES, "interview.truth.json");
const SCRIPT = path.join(FIXTURES, "interview.script.txt");

export function fixtureScript(): string {
  return readFileSync(requireFile(SCRIPT, "the fixture script"), "utf8");
}

/** Uploads the fixture; with `transcript`, attaches its ground-truth words so no recogniser runs. */
export async function readyAsset(
  client: BenchClient,
  sandbox: Sandbox,
  projectId: string,
  { transcript }: { transcript: boolean },
): Promise<Resource> {
  requireFile(FIXTURE_MP4, "the generated fixture");
  const { asset } = await client.uploads.uploadFile({ path: FIXTURE_MP4, projectId, filename: "interview.mp4" });
  if (transcript) {
    const truth = JSON.parse(readFileSync(requireFile(TRUTH, "the fixture truth"), "utf8")) as { words: unknown };
    await sandboxControl(sandbox, "PUT", `/sandbox/assets/${asset.id}/transcript`, { words: truth.words });
  }
  const ready = await client.waitForCuttable(asset.id, { timeoutMs: 120_000 });
  if (ready.state !== "ready") throw new Error(`fixture asset ended ${ready.state}`);
  return ready;
}

const TERMINAL = new Set(["completed", "failed", "canceled"]);

/** Polls the sandbox (on loopback, every 20 ms) until a cut or render is terminal. */
export function untilDone(get: () => Promise<Resource>, what: string): Promise<Resource> {
  return waitFor(what, async () => {
    const r = await get();
    return TERMINAL.has(r.state) ? r : null;
  }, { timeoutMs: 300_000 });
}

export async function completedCut(client: BenchClient, assetId: string, script: string | null): Promise<Resource> {
  const { cut } = await client.cuts.create({ asset_id: assetId, script });
  const done = await untilDone(() => client.cuts.get(cut.id), "the cut");
  if (done.state !== "completed") throw new Error(`cut ended ${done.state}: ${String(done.error_message ?? done.error_code)}`);
  return done;
}

/** ms between two ISO stamps set by the sandbox. */
export function stampSpan(from: unknown, to: unknown): number {
  if (typeof from !== "string" || typeof to !== "string") return Number.NaN;
  return Date.parse(to) - Date.parse(from);
}

/** The ffmpeg the sandbox runs (src/media-tools chooses it), so the bench makes media the way it is read. */
export function ffmpegPath(): string {
  return toolchain().ffmpeg.path;
}
