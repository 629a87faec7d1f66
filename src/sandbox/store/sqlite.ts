// One SQLite connection for the store, from whichever engine this Node has, so that no install script is ever
// needed: `npx` under npm 12 blocks dependency scripts, and a native module whose build script did not run
// fails at the first query. Node 22.13+ (and 23.4+) ship SQLite as `node:sqlite`; older Node (20) gets SQLite
// compiled to WebAssembly (node-sqlite3-wasm: plain JS + a .wasm file, persistent through Node's fs). Both
// are driven through the small better-sqlite3-shaped surface the store uses (prepare/get/all/run, exec,
// nested transactions), and differences between them are smoothed here, not in the store:
// - named parameters are written `@name` in SQL and passed as `{ name }`; keys the statement does not use are
//   dropped (both engines refuse them) and `undefined` binds NULL;
// - rows are plain objects and a missing row is `undefined`.
// ROUGHY_SQLITE_DRIVER=wasm forces the WebAssembly engine on a Node that has both (used by the tests).
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";

export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, unknown>;
/** Positional values, or one object of named values (for `@name` parameters). */
export type Params = unknown[];

/** Rows come back as `unknown`, as from better-sqlite3: the store casts them to its row types. */
export interface Statement {
  get(...params: Params): unknown;
  all(...params: Params): unknown[];
  run(...params: Params): { changes: number; lastInsertRowid: number | bigint };
}

export interface Connection {
  /** Which engine answers: "node:sqlite" or "wasm". */
  readonly driver: SqliteDriver;
  readonly open: boolean;
  exec(sql: string): void;
  /** Prepared once per SQL text and kept until close. */
  prepare(sql: string): Statement;
  /** Like better-sqlite3: runs fn in a transaction (a savepoint when nested) and rolls back if it throws. */
  transaction<T>(fn: () => T): () => T;
  close(): void;
}

export type SqliteDriver = "node:sqlite" | "wasm";

// The two engines' own shapes, as far as used here (Node 20's @types lack node:sqlite).
interface EngineStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  finalize?(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (file: string) => { exec(sql: string): void; prepare(sql: string): EngineStatement; close(): void };
}
interface WasmModule {
  Database: new (file: string) => { exec(sql: string): void; prepare(sql: string): EngineStatement; close(): void };
}

const NAMED = /@([A-Za-z_][A-Za-z0-9_]*)/g;
/** Statements cached per connection before the cache is emptied (the store's SQL texts number a few dozen). */
const CACHE_LIMIT = 500;
/** A WebAssembly-engine lock directory older than this outlived the process that made it (transactions take ms). */
const STALE_LOCK_MS = 30_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** `node:sqlite` when this Node has it unflagged, else undefined. Its one-time ExperimentalWarning on Node 22 is
 * kept off stderr (MCP hosts show a stdio server's stderr as its log, where it reads as a fault). */
function loadNodeSqlite(): NodeSqliteModule | undefined {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return process.getBuiltinModule("node:sqlite") as NodeSqliteModule | undefined;
  } catch {
    return undefined; // 22.5–22.12 know the module but refuse it without --experimental-sqlite
  } finally {
    process.emitWarning = emitWarning;
  }
}

export function pickDriver(env: NodeJS.ProcessEnv = process.env): SqliteDriver {
  if (env.ROUGHY_SQLITE_DRIVER === "wasm") return "wasm";
  return loadNodeSqlite() ? "node:sqlite" : "wasm";
}

/** The engines available on this Node, the preferred first. */
export function availableDrivers(): SqliteDriver[] {
  return loadNodeSqlite() ? ["node:sqlite", "wasm"] : ["wasm"];
}

/** SQLite's header says WAL when its read/write format bytes (offsets 18, 19) are 2. */
function isWalDatabase(file: string): boolean {
  if (file === ":memory:" || !existsSync(file)) return false;
  const header = Buffer.alloc(20);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2;
  } finally {
    closeSync(fd);
  }
}

/**
 * The WebAssembly engine locks a database by creating `<file>.lock` (a directory) for the length of each
 * transaction. A process killed inside one leaves it behind, and every later open would wait on it forever:
 * remove it when it is older than any transaction can be.
 */
function clearStaleWasmLock(file: string): void {
  const lock = `${file}.lock`;
  if (!existsSync(lock)) return;
  if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
}

export function openDatabase(file: string, driver: SqliteDriver = pickDriver()): Connection {
  let db: { exec(sql: string): void; prepare(sql: string): EngineStatement; close(): void };
  if (driver === "node:sqlite") {
    const sqlite = loadNodeSqlite();
    if (!sqlite) throw new Error(`node:sqlite is not available on Node ${process.versions.node}`);
    db = new sqlite.DatabaseSync(file);
  } else {
    const wasm = createRequire(import.meta.url)("node-sqlite3-wasm") as WasmModule;
    if (file !== ":memory:") clearStaleWasmLock(file);
    const wal = isWalDatabase(file);
    db = new wasm.Database(file);
    // A file left in WAL mode (by node:sqlite, or by better-sqlite3 in earlier versions) cannot be read without
    // shared memory, except under an exclusive lock: take one just long enough to turn it into a rollback-journal
    // file (which checkpoints any committed WAL frames into it), then release it with the next read.
    if (wal) db.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = PERSIST; PRAGMA locking_mode = NORMAL; SELECT count(*) FROM sqlite_master;");
  }
  // WAL where the engine has shared memory for it (node:sqlite). The WebAssembly engine has none, so it keeps a
  // rollback journal, left in place between transactions (PERSIST) rather than created and deleted each time.
  db.exec(`PRAGMA journal_mode = ${driver === "wasm" ? "PERSIST" : "WAL"}; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;`);
  // The WebAssembly engine takes named values with their prefix ({"@id": …}); node:sqlite takes bare names.
  const prefix = driver === "wasm" ? "@" : "";
  const bindValue = (value: unknown): unknown => (value === undefined ? null : value);
  const bind = (names: string[], params: Params): unknown[] => {
    const [first] = params;
    if (params.length === 1 && isPlainObject(first)) {
      const named: Record<string, unknown> = {};
      for (const name of names) named[prefix + name] = bindValue(first[name]);
      return [named];
    }
    const values = params.map(bindValue);
    // The WebAssembly engine takes several positional values as one array.
    return driver === "wasm" && values.length > 1 ? [values] : values;
  };
  const plain = (row: unknown): Row | undefined => (row === undefined || row === null ? undefined : { ...(row as Row) });

  const cache = new Map<string, Statement & { finalize(): void }>();
  let open = true;
  let depth = 0;

  const connection: Connection = {
    driver,
    get open() {
      return open;
    },
    exec(sql) {
      db.exec(sql);
    },
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached) return cached;
      if (cache.size >= CACHE_LIMIT) {
        for (const statement of cache.values()) statement.finalize();
        cache.clear();
      }
      const inner = db.prepare(sql);
      const names = [...new Set([...sql.matchAll(NAMED)].map((m) => m[1] as string))];
      const statement = {
        get: (...params: Params) => plain(inner.get(...bind(names, params))),
        all: (...params: Params) => inner.all(...bind(names, params)).map((row) => plain(row) as Row),
        run: (...params: Params) => {
          const info = inner.run(...bind(names, params));
          return { changes: Number(info.changes), lastInsertRowid: info.lastInsertRowid };
        },
        finalize: () => inner.finalize?.(),
      };
      cache.set(sql, statement);
      return statement;
    },
    transaction(fn) {
      return () => {
        const savepoint = `s${depth}`;
        db.exec(depth === 0 ? "BEGIN" : `SAVEPOINT ${savepoint}`);
        depth++;
        let result: ReturnType<typeof fn>;
        try {
          result = fn();
        } catch (error) {
          depth--;
          db.exec(depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
          throw error;
        }
        depth--;
        try {
          db.exec(depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
        } catch (error) {
          // A commit that fails (the disk is full, say) must not leave the connection inside the transaction.
          if (depth === 0) db.exec("ROLLBACK");
          throw error;
        }
        return result;
      };
    },
    close() {
      if (!open) return;
      // The WebAssembly engine's statements live in its own memory, which no garbage collector sees.
      for (const statement of cache.values()) statement.finalize();
      cache.clear();
      db.close();
      open = false;
    },
  };
  return connection;
}
