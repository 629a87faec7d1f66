// The sandbox store's own cost, apart from HTTP and media: the row operations one asset's life makes
// (create, probe update, events, a cut, a render, a charge, list pages), N times on a fresh file.
// Run: node --import tsx bench/store.ts [N]   (prints the SQLite engine in use and operations per second;
// ROUGHY_SQLITE_DRIVER=wasm measures the WebAssembly engine on a Node that has node:sqlite)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Store } from "../src/sandbox/store/db.js";

const n = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(path.join(tmpdir(), "roughy-store-bench-"));
const store = new Store(path.join(dir, "sandbox.db"));
let ops = 0;
const started = process.hrtime.bigint();
const project = store.createProject("bench", null);
for (let i = 0; i < n; i++) {
  const asset = store.createAsset({ project_id: project.id, filename: `f${i}.mp4`, size_bytes: 1000, language: "en" });
  store.updateAsset(asset.id, { state: "processing", info_json: JSON.stringify({ i }) });
  for (let e = 0; e < 5; e++) store.addEvent(asset.id, "asset.updated", { progress: e });
  store.eventsAfter(asset.id, 0);
  store.addLedger("charge", -1, asset.id, 1);
  const cut = store.createCut(asset.id, null);
  store.updateCut(cut.id, { state: "completed", segments_json: "[]" });
  store.findReusableCut(asset.id, null);
  const render = store.createRender(asset.id, cut.id, "mp4");
  store.updateRender(render.id, { state: "completed", progress: 100 });
  store.listAssets({ project_id: project.id }, 20, 0);
  store.listCuts({ project_id: project.id }, 20, 0);
  ops += 17;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const driver = store.driver;
store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`store (${driver}, node ${process.versions.node}): ${n} asset lives, ${ops} operations in ${seconds.toFixed(2)} s = ${Math.round(ops / seconds)} ops/s\n`);
