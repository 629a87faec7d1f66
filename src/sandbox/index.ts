// The embedded, offline, Roughy-compatible API server: real uploads (TUS), real media work (ffprobe, the cut
// engine, ffmpeg renders), state on disk so a restart keeps everything. startSandbox is the one entry point:
// the MCP server starts it in-process when no API key is set, and `roughy-mcp sandbox` runs it standalone.
import { mediaToolsStatus } from "./media/ffmpeg.js";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { type App, type Logger, silentLogger } from "./app.js";
import { EventBus } from "./events.js";
import { Faults, Hold } from "./faults.js";
import { Router } from "./http.js";
import { JobQueue } from "./jobs.js";
import { resumeWork } from "./lifecycle.js";
import { registerAccount } from "./routes/account.js";
import { registerAssets } from "./routes/assets.js";
import { registerControls } from "./routes/controls.js";
import { registerCuts } from "./routes/cuts.js";
import { registerProjects } from "./routes/projects.js";
import { registerRenders } from "./routes/renders.js";
import { createTus, registerUploads } from "./routes/uploads.js";
import { registerWebhooks } from "./routes/webhooks.js";
import { createHandler } from "./server.js";
import { Store, nowIso } from "./store/db.js";
import { WebhookDelivery, buildWebhookEvent } from "./webhook-delivery.js";


/** How long a signed transfer URL may start requests: one sitting's upload, resumes included. */
const UPLOAD_URL_TTL_SECONDS = 60 * 60;

/** The longest one request may take to arrive (an upload PATCH included). */
export const SANDBOX_REQUEST_TIMEOUT_MS = 60 * 60_000;
export type { Logger } from "./app.js";

export interface SandboxOptions {
  host?: string;
  port?: number;
  /** State directory; default `$XDG_CACHE_HOME/roughy-mcp/sandbox` (or ~/.cache/roughy-mcp/sandbox). */
  dataDir?: string;
  /** Bearer key; generated and kept in the data dir when not given. */
  apiKey?: string;
  /** Credits of a fresh data dir (ignored when the data dir already has a balance). */
  startingBalance?: number;
  logger?: Logger;
  /** SSE keep-alive comment interval, ms (default 15 000). */
  keepAliveMs?: number;
  /** Background jobs run at once (default 2). */
  concurrency?: number;
  /** Webhook retry schedule, for tests (defaults per webhook-delivery.ts). */
  webhookRetry?: { maxAttempts?: number; baseDelayMs?: number; timeoutMs?: number };
  /**
   * Hand out transfer URLs that carry their own authorisation (README "Signed upload URLs"): for the
   * `--http --sandbox` demo, whose remote callers hold no key. Default off: the contract's bearer-only URL.
   */
  signedUploadUrls?: boolean;
}

export interface Sandbox {
  /** Origin, without /v1: "http://127.0.0.1:PORT". */
  baseUrl: string;
  apiKey: string;
  dataDir: string;
  /** Resolves when no background work is queued or running (for tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "roughy-mcp", "sandbox");
}

const KEY_FILE = "api-key";

/** The key of this data dir: the one given, else the one kept in the data dir, else a new one (kept). */
function resolveApiKey(dataDir: string, given: string | undefined): string {
  if (given) return given;
  const file = path.join(dataDir, KEY_FILE);
  try {
    const kept = fs.readFileSync(file, "utf8").trim();
    if (kept) return kept;
  } catch {
    // first start
  }
  const key = `sk_sandbox_${randomBytes(24).toString("base64url")}`;
  fs.writeFileSync(file, key + "\n", { mode: 0o600 });
  return key;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const dataDir = path.resolve(opts.dataDir ?? defaultDataDir());
  fs.mkdirSync(dataDir, { recursive: true });
  const uploadsDir = path.join(dataDir, "uploads");
  const rendersDir = path.join(dataDir, "renders");
  fs.mkdirSync(uploadsDir, { recursive: true });
  fs.mkdirSync(rendersDir, { recursive: true });
  const logger = opts.logger ?? silentLogger;
  const apiKey = resolveApiKey(dataDir, opts.apiKey);

  const store = new Store(path.join(dataDir, "sandbox.db"));
  if (store.getMeta("created_at") === undefined) {
    store.setMeta("created_at", nowIso());
    store.setMeta("user_id", randomUUID());
    store.setMeta("balance", String(Math.max(0, Math.floor(opts.startingBalance ?? 120))));
  }
  let secret = store.getMeta("signing_secret");
  if (!secret) store.setMeta("signing_secret", (secret = randomBytes(32).toString("base64url")));

  const app = {
    store,
    dataDir,
    uploadsDir,
    rendersDir,
    apiKey,
    signingSecret: secret,
    baseUrl: "",
    keepAliveMs: opts.keepAliveMs ?? 15_000,
    downloadTtlSeconds: 15 * 60,
    uploadUrlTtlSeconds: opts.signedUploadUrls ? UPLOAD_URL_TTL_SECONDS : null,
    logger,
    faults: new Faults(),
    renderHold: new Hold(),
    cutHold: new Hold(),
    sseStreams: new Set(),
    closing: false,
  } as Omit<App, "bus" | "jobs" | "webhooks"> as App;

  app.webhooks = new WebhookDelivery({
    ...opts.webhookRetry,
    onAttempt: (a) => {
      if (!store.db.open) return;
      logger.info("webhook attempt", { event_id: a.event_id, endpoint_id: a.endpoint_id, attempt: a.attempt, status: a.status, ok: a.ok });
    },
  });
  app.bus = new EventBus(store, (type, data) => {
    for (const hook of store.allWebhooks()) {
      if (!(JSON.parse(hook.events_json) as string[]).includes(type)) continue;
      void app.webhooks.deliver({ url: hook.url, secret: hook.secret, event: buildWebhookEvent(type, data), endpointId: hook.id });
    }
  });
  app.jobs = new JobQueue(Math.max(1, opts.concurrency ?? 2), (key, err) => logger.error("background job failed", { job: key, error: String(err) }));

  const tus = createTus(app);
  const router = new Router();
  registerAccount(router, app);
  registerProjects(router, app);
  registerAssets(router, app, tus);
  registerUploads(router, app, tus);
  registerCuts(router, app);
  registerRenders(router, app);
  registerWebhooks(router, app);
  registerControls(router, app);

  const server = http.createServer(createHandler(app, router));
  // Uploads and SSE streams are long-lived, so the time for a whole request is long (one PATCH may carry a
  // whole file from `curl -T`), but never unlimited.
  server.requestTimeout = SANDBOX_REQUEST_TIMEOUT_MS;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  app.baseUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host === "[::]" ? "[::1]" : host}:${addr.port}`;
  logger.info("sandbox listening", { base_url: app.baseUrl, data_dir: dataDir });
  logMediaTools(logger);

  resumeWork(app);

  let closed: Promise<void> | null = null;
  return {
    baseUrl: app.baseUrl,
    apiKey,
    dataDir,
    idle: () => app.jobs.idle(),
    close() {
      closed ??= (async () => {
        app.closing = true;
        for (const res of app.sseStreams) res.end();
        app.sseStreams.clear();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        // Aborting the jobs kills their ffmpeg children; their resources stay in flight and resume on restart.
        await app.jobs.close();
        await app.webhooks.close();
        await stopped;
        store.close();
      })();
      return closed;
    },
  };
}

/** Which ffmpeg and ffprobe the sandbox runs, once at start (a missing toolchain fails uploads, not the start). */
function logMediaTools(logger: Logger): void {
  const status = mediaToolsStatus();
  if ("error" in status) logger.warn("media tools unavailable", status);
  else logger.info("media tools", status);
}
