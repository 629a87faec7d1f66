// A cut as a service without drop reasons serves it: a sandbox makes a scriptless cut of the fixture (its truth
// transcript attached) and stops; the stored reasons are taken out, as a sandbox from before reasons left them;
// a new sandbox on the same data then exports that cut's OTIO without them, so cut_timeline says dropped_count null.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { openDatabase } from "../../src/sandbox/store/sqlite.js";
import { start, uploadAsset } from "../sandbox/harness.js";
import { FIXTURE_MP4, FIXTURE_TRUTH } from "./mcp-harness.js";

export async function cutWithoutReasons(): Promise<{ sandbox: Sandbox; cutId: string; close(): Promise<void> }> {
  const first = await start();
  const asset = await uploadAsset(first, FIXTURE_MP4);
  const truth = JSON.parse(readFileSync(FIXTURE_TRUTH, "utf8")) as { words: unknown[] };
  expect((await first.req("PUT", `/sandbox/assets/${asset.id}/transcript`, { words: truth.words })).status).toBe(200);
  const cutId = (await first.req("POST", "/v1/cuts", { asset_id: asset.id })).json.id as string;
  await first.sb.idle();
  await first.sb.close();
  const db = openDatabase(path.join(first.dataDir, "sandbox.db"));
  db.prepare("UPDATE cuts SET dropped_json = NULL WHERE id = ?").run(cutId);
  db.close();
  const again = await start({ dataDir: first.dataDir });
  return {
    sandbox: again.sb,
    cutId,
    async close() {
      await again.sb.close();
      rmSync(path.dirname(first.dataDir), { recursive: true, force: true });
    },
  };
}
