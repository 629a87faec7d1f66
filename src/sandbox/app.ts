// The sandbox's shared state, handed to every route and background job: the store, the directories on disk,
// the key, the event bus, the job queue and the fault list. One object, built once by startSandbox.
import type { ServerResponse } from "node:http";
import type { EventBus } from "./events.js";
import type { Faults, Hold } from "./faults.js";
import type { JobQueue } from "./jobs.js";
import type { Store } from "./store/db.js";
import type { WebhookDelivery } from "./webhook-delivery.js";

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Logs one JSON line per message to stderr (stdout belongs to the CLI's one line of output). */
export const stderrLogger: Logger = {
  info: (msg, fields) => process.stderr.write(JSON.stringify({ level: "info", msg, ...fields }) + "\n"),
  warn: (msg, fields) => process.stderr.write(JSON.stringify({ level: "warn", msg, ...fields }) + "\n"),
  error: (msg, fields) => process.stderr.write(JSON.stringify({ level: "error", msg, ...fields }) + "\n"),
};

export interface App {
  store: Store;
  dataDir: string;
  uploadsDir: string;
  rendersDir: string;
  apiKey: string;
  signingSecret: string;
  /** Origin the sandbox is reached at, set once the server listens. */
  baseUrl: string;
  keepAliveMs: number;
  /** How long signed download URLs live, seconds. */
  downloadTtlSeconds: number;
  /** How long signed transfer URLs live, seconds; null: transfer URLs take the bearer key only. */
  uploadUrlTtlSeconds: number | null;
  logger: Logger;
  bus: EventBus;
  jobs: JobQueue;
  faults: Faults;
  /** Holds processing renders unfinished until released (a sandbox control, for tests). */
  renderHold: Hold;
  /** The same for cuts. */
  cutHold: Hold;
  webhooks: WebhookDelivery;
  sseStreams: Set<ServerResponse>;
  closing: boolean;
}
