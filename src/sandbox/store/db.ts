// The sandbox's state on disk: one SQLite file (WAL) in the data dir, so that a restart keeps projects, assets,
// cuts, renders, the ledger, webhooks and the event log. Rows mirror the API's fields; the few internal columns
// (media info, transcript, segments, captions, file paths) are JSON or paths next to them. The SQLite engine
// comes from sqlite.ts (Node's own, or WebAssembly on older Node), never from a native module.
import { randomUUID } from "node:crypto";
import { openDatabase, type Connection, type SqliteDriver } from "./sqlite.js";

export type AssetState = "pending_upload" | "processing" | "pending_payment" | "ready" | "failed";
export type CutState = "pending" | "processing" | "completed" | "failed";
export type RenderState = "pending" | "processing" | "completed" | "failed" | "canceled";

export interface ProjectRow {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
}

export interface AssetRow {
  id: string;
  project_id: string;
  filename: string | null;
  media_type: "video" | "audio" | null;
  state: AssetState;
  size_bytes: number;
  language: string | null;
  duration_seconds: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  ready_at: string | null;
  /** MediaInfo as JSON, once probed. */
  info_json: string | null;
  /** Word[] as JSON, when a transcript was attached through /sandbox. */
  transcript_json: string | null;
  /** Minutes charged, once the charge settled (null until then). */
  charged_minutes: number | null;
}

export interface CutRow {
  id: string;
  asset_id: string;
  state: CutState;
  script: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  segments_json: string | null;
  words_json: string | null;
  captions_json: string | null;
  /** JSON array of {code, message}: how the engine fell back (engine CutWarning); null when it did not. */
  warnings_json?: string | null;
  /**
   * JSON array of {word, start, end, reason}: the words the segments leave out and why (engine DroppedWord);
   * null for a cut made before the sandbox recorded them, whose exports then give no reasons.
   */
  dropped_json?: string | null;
}

export interface RenderRow {
  id: string;
  asset_id: string;
  cut_id: string | null;
  output: string;
  state: RenderState;
  progress: number;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  file_path: string | null;
}

export interface LedgerRow {
  id: string;
  kind: "charge" | "top_up" | "refund";
  amount: number;
  asset_id: string | null;
  minutes: number | null;
  balance_after: number;
  created_at: string;
}

export interface WebhookRow {
  id: string;
  url: string;
  events_json: string;
  secret: string;
  created_at: string;
}

export interface EventRow {
  id: number;
  asset_id: string;
  type: string;
  data_json: string;
  created_at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, name TEXT NOT NULL, description TEXT,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, project_id TEXT NOT NULL, filename TEXT,
  media_type TEXT, state TEXT NOT NULL, size_bytes INTEGER NOT NULL, language TEXT, duration_seconds REAL,
  error_code TEXT, error_message TEXT, created_at TEXT NOT NULL, ready_at TEXT, info_json TEXT,
  transcript_json TEXT, charged_minutes INTEGER);
CREATE INDEX IF NOT EXISTS assets_project ON assets(project_id);
CREATE TABLE IF NOT EXISTS cuts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, asset_id TEXT NOT NULL, state TEXT NOT NULL,
  script TEXT, error_code TEXT, error_message TEXT, created_at TEXT NOT NULL, started_at TEXT, completed_at TEXT,
  segments_json TEXT, words_json TEXT, captions_json TEXT, warnings_json TEXT, dropped_json TEXT);
CREATE INDEX IF NOT EXISTS cuts_asset ON cuts(asset_id);
CREATE TABLE IF NOT EXISTS renders (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, asset_id TEXT NOT NULL, cut_id TEXT,
  output TEXT NOT NULL, state TEXT NOT NULL, progress INTEGER NOT NULL DEFAULT 0, error_code TEXT,
  error_message TEXT, created_at TEXT NOT NULL, started_at TEXT, completed_at TEXT, file_path TEXT);
CREATE INDEX IF NOT EXISTS renders_asset ON renders(asset_id);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, amount INTEGER NOT NULL,
  asset_id TEXT, minutes INTEGER, balance_after INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, url TEXT NOT NULL, events_json TEXT NOT NULL,
  secret TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, webhook_id TEXT NOT NULL, event_type TEXT NOT NULL,
  payload_json TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_status INTEGER,
  last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, asset_id TEXT NOT NULL, type TEXT NOT NULL, data_json TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_asset ON events(asset_id, id);
`;

export function nowIso(): string {
  return new Date().toISOString();
}

type Filters = Record<string, string | undefined>;

export class Store {
  readonly db: Connection;

  constructor(file: string, driver?: SqliteDriver) {
    this.db = openDatabase(file, driver);
    this.db.exec(SCHEMA);
    // data dirs made before cut warnings, and before drop reasons, existed
    const cutColumns = this.db.prepare("PRAGMA table_info(cuts)").all() as Array<{ name: string }>;
    for (const column of ["warnings_json", "dropped_json"]) {
      if (!cutColumns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE cuts ADD COLUMN ${column} TEXT`);
    }
  }

  /** Which SQLite engine holds the data ("node:sqlite" or "wasm"). */
  get driver(): SqliteDriver {
    return this.db.driver;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- meta
  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  getBalance(): number {
    return Number(this.getMeta("balance") ?? "0");
  }

  // ---- generic helpers
  private page<T>(table: string, filters: Filters, limit: number, offset: number): Page<T> {
    const keys = Object.keys(filters).filter((k) => filters[k] !== undefined);
    const where = keys.length ? `WHERE ${keys.map((k) => `${k} = @${k}`).join(" AND ")}` : "";
    const params = Object.fromEntries(keys.map((k) => [k, filters[k]]));
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${where}`).get(params) as { n: number }).n;
    // Newest first: seq is the insertion order, finer than created_at's millisecond.
    const items = this.db
      .prepare(`SELECT * FROM ${table} ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as T[];
    return { items, total };
  }

  private insert(table: string, row: object): void {
    const keys = Object.keys(row);
    this.db.prepare(`INSERT INTO ${table} (${keys.join(", ")}) VALUES (${keys.map((k) => `@${k}`).join(", ")})`).run(row);
  }

  private update(table: string, id: string, patch: object): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    this.db.prepare(`UPDATE ${table} SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE id = @__id`).run({ ...patch, __id: id });
  }

  private get<T>(table: string, id: string): T | undefined {
    return this.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as T | undefined;
  }

  // ---- projects
  createProject(name: string, description: string | null): ProjectRow {
    const row: ProjectRow = { id: randomUUID(), name, description, created_at: nowIso() };
    this.insert("projects", row);
    return row;
  }
  getProject(id: string): ProjectRow | undefined {
    return this.get("projects", id);
  }
  listProjects(limit: number, offset: number): Page<ProjectRow> {
    return this.page("projects", {}, limit, offset);
  }
  deleteProjectRow(id: string): void {
    this.db.prepare("DELETE FROM projects WHERE id = ?").run(id);
  }

  // ---- assets
  createAsset(row: Omit<AssetRow, "id" | "created_at" | "info_json" | "transcript_json" | "charged_minutes" | "media_type" | "duration_seconds" | "error_code" | "error_message" | "ready_at" | "state">): AssetRow {
    const full: AssetRow = {
      ...row,
      id: randomUUID(),
      created_at: nowIso(),
      state: "pending_upload",
      media_type: null,
      duration_seconds: null,
      error_code: null,
      error_message: null,
      ready_at: null,
      info_json: null,
      transcript_json: null,
      charged_minutes: null,
    };
    this.insert("assets", full);
    return full;
  }
  getAsset(id: string): AssetRow | undefined {
    return this.get("assets", id);
  }
  updateAsset(id: string, patch: Partial<AssetRow>): AssetRow | undefined {
    this.update("assets", id, patch);
    return this.getAsset(id);
  }
  listAssets(filters: { project_id?: string; state?: string }, limit: number, offset: number): Page<AssetRow> {
    return this.page("assets", filters, limit, offset);
  }
  assetsInState(state: AssetState): AssetRow[] {
    return this.db.prepare("SELECT * FROM assets WHERE state = ? ORDER BY seq ASC").all(state) as AssetRow[];
  }
  assetIdsOfProject(projectId: string): string[] {
    return (this.db.prepare("SELECT id FROM assets WHERE project_id = ?").all(projectId) as { id: string }[]).map((r) => r.id);
  }
  deleteAssetRow(id: string): void {
    this.db.prepare("DELETE FROM assets WHERE id = ?").run(id);
  }

  // ---- cuts
  createCut(assetId: string, script: string | null): CutRow {
    const row: CutRow = {
      id: randomUUID(),
      asset_id: assetId,
      state: "pending",
      script,
      error_code: null,
      error_message: null,
      created_at: nowIso(),
      started_at: null,
      completed_at: null,
      segments_json: null,
      words_json: null,
      captions_json: null,
    };
    this.insert("cuts", row);
    return row;
  }
  /** The cut that a create request with this (asset, script) pair reuses: the newest one that has not failed. */
  findReusableCut(assetId: string, script: string | null): CutRow | undefined {
    return this.db
      .prepare("SELECT * FROM cuts WHERE asset_id = ? AND script IS ? AND state != 'failed' ORDER BY seq DESC LIMIT 1")
      .get(assetId, script) as CutRow | undefined;
  }
  getCut(id: string): CutRow | undefined {
    return this.get("cuts", id);
  }
  updateCut(id: string, patch: Partial<CutRow>): CutRow | undefined {
    this.update("cuts", id, patch);
    return this.getCut(id);
  }
  listCuts(filters: { asset_id?: string; project_id?: string; state?: string }, limit: number, offset: number): Page<CutRow> {
    const clauses: string[] = [];
    const params: Record<string, unknown> = { limit, offset };
    if (filters.asset_id !== undefined) {
      clauses.push("c.asset_id = @asset_id");
      params.asset_id = filters.asset_id;
    }
    if (filters.state !== undefined) {
      clauses.push("c.state = @state");
      params.state = filters.state;
    }
    if (filters.project_id !== undefined) {
      clauses.push("c.asset_id IN (SELECT id FROM assets WHERE project_id = @project_id)");
      params.project_id = filters.project_id;
    }
    const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM cuts c ${where}`).get(params) as { n: number }).n;
    const items = this.db.prepare(`SELECT c.* FROM cuts c ${where} ORDER BY c.seq DESC LIMIT @limit OFFSET @offset`).all(params) as CutRow[];
    return { items, total };
  }
  cutsOfAsset(assetId: string): CutRow[] {
    return this.db.prepare("SELECT * FROM cuts WHERE asset_id = ? ORDER BY seq ASC").all(assetId) as CutRow[];
  }
  cutsInStates(states: CutState[]): CutRow[] {
    return this.db.prepare(`SELECT * FROM cuts WHERE state IN (${states.map(() => "?").join(",")}) ORDER BY seq ASC`).all(...states) as CutRow[];
  }
  completedCutsWithoutCaptions(): CutRow[] {
    return this.db.prepare("SELECT * FROM cuts WHERE state = 'completed' AND captions_json IS NULL ORDER BY seq ASC").all() as CutRow[];
  }
  deleteCutRow(id: string): void {
    this.db.prepare("DELETE FROM cuts WHERE id = ?").run(id);
  }

  // ---- renders
  createRender(assetId: string, cutId: string | null, output: string): RenderRow {
    const row: RenderRow = {
      id: randomUUID(),
      asset_id: assetId,
      cut_id: cutId,
      output,
      state: "pending",
      progress: 0,
      error_code: null,
      error_message: null,
      created_at: nowIso(),
      started_at: null,
      completed_at: null,
      file_path: null,
    };
    this.insert("renders", row);
    return row;
  }
  getRender(id: string): RenderRow | undefined {
    return this.get("renders", id);
  }
  updateRender(id: string, patch: Partial<RenderRow>): RenderRow | undefined {
    this.update("renders", id, patch);
    return this.getRender(id);
  }
  listRenders(filters: { asset_id?: string; cut_id?: string; state?: string }, limit: number, offset: number): Page<RenderRow> {
    return this.page("renders", filters, limit, offset);
  }
  rendersWhere(column: "asset_id" | "cut_id", id: string): RenderRow[] {
    return this.db.prepare(`SELECT * FROM renders WHERE ${column} = ? ORDER BY seq ASC`).all(id) as RenderRow[];
  }
  rendersInStates(states: RenderState[]): RenderRow[] {
    return this.db.prepare(`SELECT * FROM renders WHERE state IN (${states.map(() => "?").join(",")}) ORDER BY seq ASC`).all(...states) as RenderRow[];
  }
  deleteRenderRow(id: string): void {
    this.db.prepare("DELETE FROM renders WHERE id = ?").run(id);
  }

  // ---- ledger and balance (one transaction, so balance_after always matches the balance)
  addLedger(kind: LedgerRow["kind"], amount: number, assetId: string | null, minutes: number | null): LedgerRow {
    return this.db.transaction(() => {
      const balance = this.getBalance() + amount;
      this.setMeta("balance", String(balance));
      const row: LedgerRow = { id: randomUUID(), kind, amount, asset_id: assetId, minutes, balance_after: balance, created_at: nowIso() };
      this.insert("ledger", row);
      return row;
    })();
  }
  listLedger(limit: number, offset: number): Page<LedgerRow> {
    return this.page("ledger", {}, limit, offset);
  }

  // ---- webhooks
  createWebhook(url: string, events: string[], secret: string): WebhookRow {
    const row: WebhookRow = { id: randomUUID(), url, events_json: JSON.stringify(events), secret, created_at: nowIso() };
    this.insert("webhooks", row);
    return row;
  }
  getWebhook(id: string): WebhookRow | undefined {
    return this.get("webhooks", id);
  }
  listWebhooks(limit: number, offset: number): Page<WebhookRow> {
    return this.page("webhooks", {}, limit, offset);
  }
  allWebhooks(): WebhookRow[] {
    return this.db.prepare("SELECT * FROM webhooks ORDER BY seq ASC").all() as WebhookRow[];
  }
  deleteWebhook(id: string): void {
    this.db.prepare("DELETE FROM webhooks WHERE id = ?").run(id);
    this.db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?").run(id);
  }

  // ---- events (for SSE replay); ids increase monotonically and are never reused (AUTOINCREMENT)
  addEvent(assetId: string, type: string, data: unknown): EventRow {
    const created_at = nowIso();
    const data_json = JSON.stringify(data);
    const info = this.db.prepare("INSERT INTO events (asset_id, type, data_json, created_at) VALUES (?, ?, ?, ?)").run(assetId, type, data_json, created_at);
    return { id: Number(info.lastInsertRowid), asset_id: assetId, type, data_json, created_at };
  }
  eventsAfter(assetId: string, afterId: number): EventRow[] {
    return this.db.prepare("SELECT * FROM events WHERE asset_id = ? AND id > ? ORDER BY id ASC LIMIT 1000").all(assetId, afterId) as EventRow[];
  }
  lastEventId(assetId: string): number | null {
    const row = this.db.prepare("SELECT MAX(id) AS id FROM events WHERE asset_id = ?").get(assetId) as { id: number | null };
    return row.id;
  }
  deleteEventsOf(assetId: string): void {
    this.db.prepare("DELETE FROM events WHERE asset_id = ?").run(assetId);
  }
}
