// RoughyClient: the typed surface over the Roughy REST API, one namespace per resource. Every call goes
// through HttpCore (auth, timeout, retries, errors) and every response through a zod schema.
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Dispatcher } from "undici";
import { ENDPOINTS, QUERY, type Endpoint } from "./endpoints.js";
import { ConflictError, RoughyError, TimeoutError } from "./errors.js";
import { LiveEvents, type SubscribeOptions, type Subscription } from "./events.js";
import { abortReason, HttpCore, markLocal, sleep } from "./http.js";
import { paginate } from "./paginate.js";
import { normalizeBaseUrl, resolveLocation } from "./paths.js";
import { DEFAULT_MAX_RETRY_AFTER_MS } from "./retry.js";
import type { ResumeStore } from "./resume-store.js";
import {
  AssetSchema,
  CreditsSchema,
  CutSchema,
  LedgerEntrySchema,
  pageSchema,
  ProjectSchema,
  RenderSchema,
  UserSchema,
  WebhookSchema,
  type Asset,
  type AssetState,
  type Credits,
  type Cut,
  type CutState,
  type ExportFile,
  type ExportFormat,
  type LedgerEntry,
  type Page,
  type Project,
  type Render,
  type RenderOutput,
  type RenderState,
  type SubtitleFormat,
  type User,
  type Webhook,
  type WebhookEvent,
} from "./schemas.js";
import { DEFAULT_STALL_TIMEOUT_MS, Uploads } from "./uploads.js";

export interface RoughyClientOptions {
  apiKey: string;
  /** Origin, default https://api.roughy.ai; a trailing "/" or "/v1" is tolerated. */
  baseUrl?: string;
  /** Per request (headers + body), default 30 s. */
  timeoutMs?: number;
  /** Default 4. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited out; the error reaches the caller. Default 60 s. */
  maxRetryAfterMs?: number;
  userAgent?: string;
  dispatcher?: Dispatcher;
  /** Where interrupted uploads are remembered; default a JSON file under the user's cache dir. */
  resumeStore?: ResumeStore;
  /** TUS retry delays in ms (tus-js-client's `retryDelays`); default [0, 1000, 3000, 5000]. */
  uploadRetryDelays?: number[];
  /** An upload or a download that moves no byte for this long is stopped (uploads stay resumable). Default 60 s. */
  stallTimeoutMs?: number;
}

export interface ListOptions {
  limit?: number;
  offset?: number;
  signal?: AbortSignal;
}

export interface WaitForCuttableOptions {
  signal?: AbortSignal;
  /** Give up after this long (TimeoutError). Default 30 minutes. */
  timeoutMs?: number;
  onAsset?: (asset: Asset) => void;
}

const VERSION = "0.1.0";
const POLL_START_MS = 500;
const POLL_MAX_MS = 5_000;
// Right after the last byte a server may still be finalising the upload; only after this long does a
// `pending_upload` asset mean "the upload never finished".
const PENDING_UPLOAD_GRACE_MS = 10_000;

/** Picks the filename out of a Content-Disposition header (RFC 6266: filename* wins over filename). */
export function filenameFromDisposition(header: string | undefined): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)?''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, "$1") ?? plain?.[2]?.trim();
  return name ? name : null;
}

export class RoughyClient {
  readonly baseUrl: string;
  private readonly http: HttpCore;
  // Origins the bearer key may go to: the API's, and those of transfer URLs the API itself handed out.
  private readonly trustedOrigins = new Set<string>();
  private readonly live: LiveEvents;
  private readonly uploader: Uploads;
  private readonly stallTimeoutMs: number;

  constructor(options: RoughyClientOptions) {
    if (!options || typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new TypeError("RoughyClient needs an apiKey (ROUGHY_API_KEY).");
    }
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.trustedOrigins.add(new URL(this.baseUrl).origin);
    this.http = new HttpCore({
      baseUrl: this.baseUrl,
      apiKey: options.apiKey.trim(),
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 4,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      userAgent: options.userAgent ?? `roughy-mcp-client/${VERSION} node/${process.versions.node}`,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    this.live = new LiveEvents(this.http);
    this.uploader = new Uploads({
      http: this.http,
      createAsset: (body, signal) => this.assets.create(body, { signal }),
      getAsset: (id, signal) => this.assets.get(id, { signal }),
      transferUrl: (asset) => this.transferUrl(asset),
      isTrusted: (url) => this.isTrusted(url),
      ...(options.resumeStore ? { defaultResumeStore: options.resumeStore } : {}),
      ...(options.uploadRetryDelays ? { retryDelays: options.uploadRetryDelays } : {}),
      ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
    });
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }

  /** Closes the connection pool (when the client created it). */
  close(): Promise<void> {
    return this.http.close();
  }

  private isTrusted(url: string): boolean {
    try {
      return this.trustedOrigins.has(new URL(url).origin);
    } catch {
      return false;
    }
  }

  private transferUrl(asset: Asset): string | null {
    if (!asset.upload_url) return null;
    const abs = resolveLocation(asset.upload_url, `${this.baseUrl}/v1/assets`);
    this.refuseInsecure(abs);
    return abs;
  }

  /**
   * The key and the file travel to the transfer URL. When the API is reached over https, a plain-http
   * transfer URL would send both in clear (a downgrade the API must not be able to ask for), so it is
   * refused before anything is sent; loopback is exempt (a local TLS-terminating proxy).
   */
  private refuseInsecure(url: string): void {
    const u = new URL(url);
    if (new URL(this.baseUrl).protocol !== "https:" || u.protocol === "https:") return;
    const host = u.hostname.replace(/^\[|\]$/g, "");
    if (u.protocol === "http:" && (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host))) return;
    throw new RoughyError({
      status: null,
      code: "invalid_response",
      message: `Roughy named an insecure transfer URL (${u.protocol}//${u.host}) while the API is reached over https; refused before sending the key or any byte.`,
    });
  }

  // Records the transfer URL's origin as one the key may go to: it came from the API itself.
  private seeAsset(asset: Asset, requestUrl: string, location?: string): Asset {
    const raw = asset.upload_url ?? (asset.state === "pending_upload" ? location : undefined);
    if (raw) {
      const abs = resolveLocation(raw, requestUrl);
      this.refuseInsecure(abs);
      this.trustedOrigins.add(new URL(abs).origin);
      if (!asset.upload_url) return { ...asset, upload_url: abs };
    }
    return asset;
  }

  private list<T>(endpoint: Endpoint, schema: Parameters<typeof pageSchema>[0], query: Record<string, unknown>, signal?: AbortSignal) {
    return this.http
      .json(endpoint, pageSchema(schema), { query: query as Record<string, string | number | undefined>, signal })
      .then((r) => r.data as unknown as Page<T>);
  }

  readonly projects = {
    create: async (body: { name: string; description?: string | null }, o: { signal?: AbortSignal } = {}): Promise<Project> =>
      (await this.http.json(ENDPOINTS.createProject, ProjectSchema, { body, signal: o.signal })).data,
    get: async (id: string, o: { signal?: AbortSignal } = {}): Promise<Project> =>
      (await this.http.json(ENDPOINTS.getProject, ProjectSchema, { params: { id }, signal: o.signal })).data,
    list: (o: ListOptions = {}): Promise<Page<Project>> =>
      this.list(ENDPOINTS.listProjects, ProjectSchema, { limit: o.limit, offset: o.offset }, o.signal),
    delete: (id: string, o: { signal?: AbortSignal } = {}): Promise<void> =>
      this.http.empty(ENDPOINTS.deleteProject, { params: { id }, signal: o.signal }),
  };

  readonly assets = {
    create: async (
      body: { project_id: string; size_bytes: number; filename?: string; language?: string },
      o: { signal?: AbortSignal } = {},
    ): Promise<Asset> => {
      const r = await this.http.json(ENDPOINTS.createAsset, AssetSchema, { body, signal: o.signal });
      return this.seeAsset(r.data, r.url, r.header("location"));
    },
    get: async (id: string, o: { signal?: AbortSignal } = {}): Promise<Asset> => {
      const r = await this.http.json(ENDPOINTS.getAsset, AssetSchema, { params: { id }, signal: o.signal });
      return this.seeAsset(r.data, r.url);
    },
    list: (o: ListOptions & { project_id?: string; state?: AssetState } = {}): Promise<Page<Asset>> =>
      this.list(ENDPOINTS.listAssets, AssetSchema, { project_id: o.project_id, state: o.state, limit: o.limit, offset: o.offset }, o.signal),
    delete: (id: string, o: { signal?: AbortSignal } = {}): Promise<void> =>
      this.http.empty(ENDPOINTS.deleteAsset, { params: { id }, signal: o.signal }),
  };

  readonly uploads = {
    uploadFile: (o: Parameters<Uploads["uploadFile"]>[0]) => this.uploader.uploadFile(o),
    cancel: (uploadUrl: string, o: { signal?: AbortSignal } = {}): Promise<void> => this.uploader.cancel(uploadUrl, o.signal),
  };

  readonly credits = {
    get: async (o: { signal?: AbortSignal } = {}): Promise<Credits> =>
      (await this.http.json(ENDPOINTS.getCredits, CreditsSchema, { signal: o.signal })).data,
    ledger: (o: ListOptions = {}): Promise<Page<LedgerEntry>> =>
      this.list(ENDPOINTS.listLedger, LedgerEntrySchema, { limit: o.limit, offset: o.offset }, o.signal),
  };

  readonly cuts = {
    /** Idempotent on (asset, script): `created` is false when the API returned the existing cut (200). */
    create: async (
      body: { asset_id: string; script?: string | null },
      o: { signal?: AbortSignal } = {},
    ): Promise<{ cut: Cut; created: boolean }> => {
      const r = await this.http.json(ENDPOINTS.createCut, CutSchema, { body, signal: o.signal });
      return { cut: r.data, created: r.status === 201 };
    },
    get: async (id: string, o: { signal?: AbortSignal } = {}): Promise<Cut> =>
      (await this.http.json(ENDPOINTS.getCut, CutSchema, { params: { id }, signal: o.signal })).data,
    list: (o: ListOptions & { asset_id?: string; project_id?: string; state?: CutState } = {}): Promise<Page<Cut>> =>
      this.list(
        ENDPOINTS.listCuts,
        CutSchema,
        { asset_id: o.asset_id, project_id: o.project_id, state: o.state, limit: o.limit, offset: o.offset },
        o.signal,
      ),
    delete: (id: string, o: { signal?: AbortSignal } = {}): Promise<void> =>
      this.http.empty(ENDPOINTS.deleteCut, { params: { id }, signal: o.signal }),
    export: (id: string, format: ExportFormat, o: { frameRate?: number; signal?: AbortSignal } = {}): Promise<ExportFile> =>
      this.file(ENDPOINTS.exportCut, id, format, { [QUERY.format]: format, [QUERY.frameRate]: o.frameRate }, o.signal),
    exportSubtitle: (id: string, format: SubtitleFormat, o: { signal?: AbortSignal } = {}): Promise<ExportFile> =>
      this.file(ENDPOINTS.exportSubtitle, id, format, { [QUERY.format]: format }, o.signal),
  };

  private file(
    endpoint: Endpoint,
    id: string,
    format: string,
    query: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): Promise<ExportFile> {
    return this.http.call(endpoint, { params: { id }, query, signal, headers: { accept: "*/*" } }, async (res) => ({
      content: await res.body.text(),
      contentType: res.header("content-type") ?? "application/octet-stream",
      filename: filenameFromDisposition(res.header("content-disposition")) ?? `cut-${id}.${format}`,
      format,
    }));
  }

  readonly renders = {
    create: async (
      body: { asset_id: string; cut_id?: string | null; output: RenderOutput },
      o: { signal?: AbortSignal } = {},
    ): Promise<Render> => (await this.http.json(ENDPOINTS.createRender, RenderSchema, { body, signal: o.signal })).data,
    get: async (id: string, o: { signal?: AbortSignal } = {}): Promise<Render> =>
      (await this.http.json(ENDPOINTS.getRender, RenderSchema, { params: { id }, signal: o.signal })).data,
    list: (o: ListOptions & { asset_id?: string; cut_id?: string; state?: RenderState } = {}): Promise<Page<Render>> =>
      this.list(
        ENDPOINTS.listRenders,
        RenderSchema,
        { asset_id: o.asset_id, cut_id: o.cut_id, state: o.state, limit: o.limit, offset: o.offset },
        o.signal,
      ),
    cancel: async (id: string, o: { signal?: AbortSignal } = {}): Promise<Render> =>
      (await this.http.json(ENDPOINTS.cancelRender, RenderSchema, { params: { id }, signal: o.signal })).data,
    /**
     * Saves a completed render's file. The signed `download_url` is fetched without the bearer key. The file
     * is written next to `destPath` and renamed into place only once complete; with `inPlace` it is written to
     * `destPath` itself (a temp name the caller chose and moves into place).
     */
    download: (
      render: Pick<Render, "id" | "download_url">,
      destPath: string,
      o: { signal?: AbortSignal; onProgress?: (bytes: number, total: number | null) => void; inPlace?: boolean } = {},
    ): Promise<{ bytes: number }> => this.downloadTo(render, destPath, o),
  };

  private async downloadTo(
    render: Pick<Render, "id" | "download_url">,
    destPath: string,
    o: { signal?: AbortSignal; onProgress?: (bytes: number, total: number | null) => void; inPlace?: boolean },
  ): Promise<{ bytes: number }> {
    if (!render.download_url) {
      throw new ConflictError({
        status: null,
        code: "asset_not_ready",
        message: `Render ${render.id} has no download URL yet; wait until it is completed.`,
      });
    }
    const url = resolveLocation(render.download_url, `${this.baseUrl}/v1/renders`);
    const tmp = o.inPlace ? destPath : `${destPath}.${process.pid}.part`;
    try {
      const bytes = await this.http.call(
        { method: "GET", path: "/", auth: false },
        { url, signal: o.signal, timeoutHeadersOnly: true, headers: { accept: "*/*" } },
        async (res) => {
          const total = Number(res.header("content-length") ?? NaN);
          let bytes = 0;
          // The whole-request timeout stops at the headers (a large file takes its time); a body that stops
          // flowing is ended by this idle timer instead.
          const stallMs = this.stallTimeoutMs;
          const stalled = () =>
            res.body.destroy(new TimeoutError({ message: `The download of render ${render.id} received nothing for ${Math.round(stallMs / 1000)} s.` }));
          let idle = setTimeout(stalled, stallMs);
          const count = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              clearTimeout(idle);
              idle = setTimeout(stalled, stallMs);
              bytes += chunk.length;
              o.onProgress?.(bytes, Number.isFinite(total) ? total : null);
              cb(null, chunk);
            },
          });
          const out = createWriteStream(tmp);
          out.on("error", (e) => markLocal(e));
          try {
            await pipeline(res.body, count, out, o.signal ? { signal: o.signal } : {});
          } finally {
            clearTimeout(idle);
          }
          return bytes;
        },
      );
      if (tmp !== destPath) {
        await rename(tmp, destPath).catch((e: unknown) => {
          throw markLocal(e);
        });
      }
      return { bytes };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  readonly webhooks = {
    create: async (body: { url: string; events: WebhookEvent[] | string[] }, o: { signal?: AbortSignal } = {}): Promise<Webhook> =>
      (await this.http.json(ENDPOINTS.createWebhook, WebhookSchema, { body, signal: o.signal })).data,
    list: (o: ListOptions = {}): Promise<Page<Webhook>> =>
      this.list(ENDPOINTS.listWebhooks, WebhookSchema, { limit: o.limit, offset: o.offset }, o.signal),
    delete: (id: string, o: { signal?: AbortSignal } = {}): Promise<void> =>
      this.http.empty(ENDPOINTS.deleteWebhook, { params: { id }, signal: o.signal }),
  };

  readonly users = {
    me: async (o: { signal?: AbortSignal } = {}): Promise<User> =>
      (await this.http.json(ENDPOINTS.me, UserSchema, { signal: o.signal })).data,
  };

  readonly health = {
    live: (o: { signal?: AbortSignal } = {}) => this.probe(ENDPOINTS.healthLive, o.signal),
    ready: (o: { signal?: AbortSignal } = {}) => this.probe(ENDPOINTS.healthReady, o.signal),
  };

  // A probe reports what it saw (a 503 is an answer, not an error) and is not retried.
  private probe(endpoint: Endpoint, signal?: AbortSignal): Promise<{ ok: boolean; status: number }> {
    return this.http.call(endpoint, { signal, maxRetries: 0, acceptAnyStatus: true }, async (res) => {
      await res.body.dump();
      return { ok: res.status >= 200 && res.status < 300, status: res.status };
    });
  }

  readonly events = {
    subscribe: (assetId: string, o: SubscribeOptions): Promise<Subscription> => this.live.subscribe(assetId, o),
  };

  /**
   * Polls an asset (backing off 0.5 s → 5 s) until it is cuttable. Throws ConflictError with code
   * `asset_payment_required` or `asset_failed` when waiting cannot help.
   */
  async waitForCuttable(assetId: string, o: WaitForCuttableOptions = {}): Promise<Asset> {
    const started = Date.now();
    const deadline = started + (o.timeoutMs ?? 30 * 60_000);
    let delay = POLL_START_MS;
    for (;;) {
      const asset = await this.assets.get(assetId, { signal: o.signal });
      o.onAsset?.(asset);
      if (asset.cuttable) return asset;
      if (asset.state === "pending_payment") {
        throw new ConflictError({
          status: null,
          code: "asset_payment_required",
          message: `Asset ${assetId} is prepared but unpaid: the credit balance does not cover it. Top up, then cut.`,
        });
      }
      if (asset.state === "failed") {
        throw new ConflictError({
          status: null,
          code: "asset_failed",
          message: `Asset ${assetId} failed${asset.error_message ? `: ${asset.error_message}` : ""}. Upload the file again.`,
        });
      }
      if (asset.state === "pending_upload" && Date.now() - started > PENDING_UPLOAD_GRACE_MS) {
        throw new ConflictError({
          status: null,
          code: "asset_not_ready",
          message: `Asset ${assetId} is still waiting for its upload to finish; upload (or resume) the file first.`,
        });
      }
      if (Date.now() + delay > deadline) {
        throw new TimeoutError({ message: `Asset ${assetId} was still ${asset.state} after ${Math.round((Date.now() - started) / 1000)} s.` });
      }
      if (o.signal?.aborted) throw abortReason(o.signal);
      await sleep(delay, o.signal);
      delay = Math.min(POLL_MAX_MS, delay * 2);
    }
  }
}

export { paginate, RoughyError };
