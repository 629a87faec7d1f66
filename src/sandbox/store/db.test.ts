// The store on every SQLite engine this Node has (node:sqlite from 22.13, the WebAssembly engine everywhere):
// the same rows after a restart, a file written by one engine read by the other (a user moving between Node
// versions, or upgrading from the better-sqlite3 era's WAL files), transactions that roll back as a unit, and
// no native addon anywhere on the path. The sqlite3 command-line shell, where installed, is the outside reader.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Store } from "./db.js";
import { availableDrivers, openDatabase, pickDriver, type SqliteDriver } from "./sqlite.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const DRIVERS = availableDrivers();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "roughy-store-"));
  dirs.push(dir);
  return path.join(dir, "sandbox.db");
}

function hasSqliteShell(): boolean {
  try {
    execFileSync("sqlite3", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** One asset's life in rows: project, asset, probe update, events, charge, cut, render. */
function fill(store: Store): { projectId: string; assetId: string; cutId: string; renderId: string } {
  store.setMeta("balance", "10");
  const project = store.createProject("p", "d");
  const asset = store.createAsset({ project_id: project.id, filename: "a.mp4", size_bytes: 42, language: "en" });
  store.updateAsset(asset.id, { state: "ready", duration_seconds: 61.5, info_json: '{"x":1}', ready_at: "2026-01-01T00:00:00.000Z" });
  store.addEvent(asset.id, "asset.updated", { state: "processing" });
  store.addEvent(asset.id, "asset.updated", { state: "ready" });
  store.addLedger("charge", -2, asset.id, 2);
  const cut = store.createCut(asset.id, null);
  store.updateCut(cut.id, { state: "completed", segments_json: "[[0,1]]" });
  const render = store.createRender(asset.id, cut.id, "mp4");
  store.updateRender(render.id, { state: "completed", progress: 100, file_path: "/r.mp4" });
  return { projectId: project.id, assetId: asset.id, cutId: cut.id, renderId: render.id };
}

function snapshot(store: Store, ids: ReturnType<typeof fill>) {
  return {
    balance: store.getBalance(),
    project: store.getProject(ids.projectId),
    asset: store.getAsset(ids.assetId),
    cut: store.getCut(ids.cutId),
    render: store.getRender(ids.renderId),
    ledger: store.listLedger(10, 0),
    events: store.eventsAfter(ids.assetId, 0),
    cuts: store.listCuts({ project_id: ids.projectId, state: "completed" }, 10, 0),
    assets: store.listAssets({ project_id: ids.projectId }, 10, 0),
  };
}

describe("the engine this Node uses", () => {
  it("is node:sqlite from Node 22.13 / 23.4 on, else the WebAssembly engine", () => {
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    const builtIn = major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
    expect(pickDriver({})).toBe(builtIn ? "node:sqlite" : "wasm");
    expect(pickDriver({ ROUGHY_SQLITE_DRIVER: "wasm" })).toBe("wasm");
  });

  it("loads no native addon: the built store works under node --no-addons", () => {
    const built = path.join(ROOT, "dist/sandbox/store/db.js");
    if (!existsSync(built)) throw new Error("dist/ is missing: run `npm run build` first");
    const file = dbFile();
    const script = `const { Store } = await import(${JSON.stringify(built)});
      const s = new Store(${JSON.stringify(file)}); s.setMeta("k", "v"); const p = s.createProject("n", null);
      process.stdout.write(JSON.stringify({ driver: s.driver, k: s.getMeta("k"), p: s.getProject(p.id)?.name })); s.close();`;
    const out = execFileSync(process.execPath, ["--no-addons", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ driver: pickDriver(), k: "v", p: "n" });
  });

  it("does not depend on better-sqlite3 or any package with an install script", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["better-sqlite3"]).toBeUndefined();
    const wasmPkg = createRequire(import.meta.url)("node-sqlite3-wasm/package.json") as { scripts?: Record<string, string> };
    for (const hook of ["preinstall", "install", "postinstall"]) expect(wasmPkg.scripts?.[hook]).toBeUndefined();
  });
});

describe.each(DRIVERS)("the store on %s", (driver: SqliteDriver) => {
  it("keeps every row across a restart, and event ids keep increasing", () => {
    const file = dbFile();
    const first = new Store(file, driver);
    expect(first.driver).toBe(driver);
    const ids = fill(first);
    const before = snapshot(first, ids);
    first.close();
    expect(first.db.open).toBe(false);

    const second = new Store(file, driver);
    expect(snapshot(second, ids)).toEqual(before);
    const lastId = second.lastEventId(ids.assetId)!;
    expect(second.addEvent(ids.assetId, "asset.updated", {}).id).toBeGreaterThan(lastId);
    second.close();
  });

  it("answers plain objects, undefined for a missing row, and stores an undefined field as NULL", () => {
    const store = new Store(dbFile(), driver);
    const project = store.createProject("p", null);
    const row = store.getProject(project.id)!;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row).toMatchObject(project);
    expect(store.getProject("nope")).toBeUndefined();
    const asset = store.createAsset({ project_id: project.id, filename: "a", size_bytes: 1, language: null });
    store.updateAsset(asset.id, { error_code: "x" });
    expect(store.updateAsset(asset.id, { error_code: undefined })?.error_code).toBeNull();
    expect(store.findReusableCut(asset.id, null)).toBeUndefined();
    store.close();
  });

  it("rolls a transaction back as a unit, and a nested one alone when the outer one catches it", () => {
    const store = new Store(dbFile(), driver);
    store.setMeta("balance", "10");
    expect(() =>
      store.db.transaction(() => {
        store.addLedger("charge", -3, null, 3);
        throw new Error("after the charge");
      })(),
    ).toThrow("after the charge");
    expect(store.getBalance()).toBe(10);
    expect(store.listLedger(10, 0).total).toBe(0);

    store.db.transaction(() => {
      store.addLedger("top_up", 5, null, null);
      try {
        store.db.transaction(() => {
          store.setMeta("balance", "999");
          throw new Error("inner");
        })();
      } catch {
        // the inner work is undone, the outer goes on
      }
    })();
    expect(store.getBalance()).toBe(15);
    expect(store.listLedger(10, 0).items.map((r) => r.balance_after)).toEqual([15]);
    store.close();
  });

  it("opens a data dir from before cut warnings and drop reasons: the columns are added, the old cut reads as not given", () => {
    const file = dbFile();
    // the cuts table as the first sandbox versions made it, with a completed cut in it
    const old = openDatabase(file, driver);
    old.exec(`CREATE TABLE cuts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, asset_id TEXT NOT NULL,
      state TEXT NOT NULL, script TEXT, error_code TEXT, error_message TEXT, created_at TEXT NOT NULL, started_at TEXT,
      completed_at TEXT, segments_json TEXT, words_json TEXT, captions_json TEXT);
      INSERT INTO cuts (id, asset_id, state, created_at, segments_json) VALUES ('c1', 'a1', 'completed', '2026-01-01T00:00:00.000Z', '[]');`);
    old.close();
    const store = new Store(file, driver);
    expect(store.getCut("c1")).toMatchObject({ state: "completed", segments_json: "[]", warnings_json: null, dropped_json: null });
    const dropped = JSON.stringify([{ word: "um", start: 1, end: 1.3, reason: "filler" }]);
    store.updateCut("c1", { dropped_json: dropped });
    store.close();
    const again = new Store(file, driver);
    expect(again.getCut("c1")?.dropped_json).toBe(dropped);
    const cols = (again.db.prepare("PRAGMA table_info(cuts)").all() as Array<{ name: string }>).map((c) => c.name);
    expect(cols.filter((c) => c === "dropped_json" || c === "warnings_json")).toEqual(["warnings_json", "dropped_json"]);
    again.close();
  });

  it("opens a file the other engines wrote, WAL or not", () => {
    for (const writer of DRIVERS) {
      const file = dbFile();
      const a = new Store(file, writer);
      const ids = fill(a);
      const before = snapshot(a, ids);
      a.close();
      const b = new Store(file, driver);
      expect(snapshot(b, ids)).toEqual(before);
      b.close();
    }
  });
});

describe("the WebAssembly engine", () => {
  it("reads a WAL file with committed frames not yet checkpointed (a WAL writer that was killed)", () => {
    const wasm = createRequire(import.meta.url)("node-sqlite3-wasm") as typeof import("node-sqlite3-wasm");
    const file = dbFile();
    const writer = new wasm.Database(file);
    // Exclusive locking is how this engine can write WAL at all; the copy taken before close is what a killed
    // process leaves: the main file plus a -wal file holding the last commits.
    writer.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;");
    writer.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('balance', '77');");
    const crashed = path.join(path.dirname(file), "crashed.db");
    copyFileSync(file, crashed);
    copyFileSync(`${file}-wal`, `${crashed}-wal`);
    writer.close();
    expect(readFileSync(crashed)[18]).toBe(2);

    const store = new Store(crashed, "wasm");
    expect(store.getBalance()).toBe(77);
    store.setMeta("balance", "78");
    store.close();
    expect(readFileSync(crashed)[18]).toBe(1);
    const again = new Store(crashed, "wasm");
    expect(again.getBalance()).toBe(78);
    again.close();
  });

  it("clears a lock directory that outlived its process, and keeps working", () => {
    const file = dbFile();
    new Store(file, "wasm").close();
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const store = new Store(file, "wasm");
    store.setMeta("k", "v");
    expect(store.getMeta("k")).toBe("v");
    store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe.skipIf(!hasSqliteShell())("the sqlite3 shell reads what each engine wrote", () => {
  it.each(DRIVERS)("%s: integrity ok, the same rows", (driver) => {
    const file = dbFile();
    const store = new Store(file, driver);
    const ids = fill(store);
    store.close();
    const sql = (q: string) => execFileSync("sqlite3", [file, q], { encoding: "utf8" }).trim();
    expect(sql("PRAGMA integrity_check")).toBe("ok");
    expect(sql(`SELECT state || '|' || duration_seconds FROM assets WHERE id = '${ids.assetId}'`)).toBe("ready|61.5");
    expect(sql("SELECT value FROM meta WHERE key = 'balance'")).toBe("8");
    expect(sql(`SELECT count(*) FROM events WHERE asset_id = '${ids.assetId}'`)).toBe("2");
  });
});
