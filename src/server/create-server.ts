// Builds one roughy-mcp server: the state a process keeps (backend, jobs, tasks) and a factory of protocol
// instances on it, one per connection (stdio) or per HTTP request, in either protocol era: the SDK's serving
// entries (serveStdio, createMcpHandler) decide the era and call the factory. Each instance has the tools,
// the resources and their subscriptions, logging, and the per-call context (lazy backend, progress, file
// access through roots, elicitation). Nothing slow happens until a tool or resource needs it.

import { Server, type LoggingLevel, type McpRequestContext } from "@modelcontextprotocol/server";
import { getUiCapability } from "@modelcontextprotocol/ext-apps/server";
import { describeToolchain } from "../media-tools/index.js";
import { TOOL_LIST } from "../tools/index.js";
import { isAppOnly, type AnyToolDefinition, type ToolContext } from "../tools/define-tool.js";
import { createFileAccess, parseAllowedDirsEnv, type FileAccess, type RootsAnswer } from "../files/allowed-dirs.js";
import { redactingLogger } from "../secrets.js";
import { JobManager } from "../jobs/manager.js";
import { JobTaskStore } from "../jobs/task-store.js";
import { registerTasksExtension, TASKS_EXTENSION_CAPABILITY } from "../jobs/tasks-extension.js";
import type { RemoteJobs } from "../jobs/sealed-job.js";
import { backendConfigFromEnv, createBackend, type Backend, type BackendConfig } from "./backend.js";
import { registerTools } from "./register-tools.js";
import { uploadsFor } from "../operations/upload.js";
import type { RoughyClient } from "../client/index.js";
import { processBudget, SpendPolicy } from "../tools/spend-budget.js";
import { trackClientInterest, type ClientInterest } from "./client-interest.js";
import { registerResources } from "../resources/register-resources.js";
import { registerPrompts } from "../prompts/register-prompts.js";
import { APP_TOOLS, cutTimelineResource } from "../app/register-app.js";
import { parseReadOnly, parseToolsets, whyHidden, type ToolSelection } from "./toolsets.js";
import { LazyJsonSchemaValidator } from "./lazy-json-schema-validator.js";

export const SERVER_NAME = "roughy-mcp";
export const SERVER_VERSION = "0.1.0";

export type CreateServerOptions = {
  /** Backend configuration; default: from the environment (ROUGHY_API_KEY, ROUGHY_BASE_URL, ...). */
  backend?: BackendConfig;
  env?: NodeJS.ProcessEnv;
  /** --allow-dir values; used when the client offers no roots. Default: ROUGHY_ALLOWED_DIRS. */
  allowDirs?: string[];
  cwd?: string;
  /** Server-side diagnostics (stderr in the CLI). Never receives an API key. */
  logger?: (line: string) => void;
  /** The tools to serve; default: all of them (tests may pass a subset). */
  tools?: readonly AnyToolDefinition[];
  /** How often a subscribed resource is re-read when live events are unavailable. */
  subscriptionPollMs?: number;
  /**
   * Remote HTTP mode (src/http): the caller's own backend (their key), file access that refuses (their files
   * are on another machine), and no elicitation (a stateless server never receives the answer).
   */
  remote?: { backend: Backend; files: FileAccess; jobs?: RemoteJobs };
  /** Toolsets to expose (--toolsets); default: ROUGHY_TOOLSETS, else all. An unknown name throws. */
  toolsets?: string | readonly string[];
  /** Only tools with readOnlyHint, and refuse the rest (--read-only); default: ROUGHY_READ_ONLY. */
  readOnly?: boolean;
};

export type RoughyServer = {
  /**
   * A protocol instance on this server's state: what serveStdio and createMcpHandler call per connection or
   * request, with the era they chose. Each owns its own client facts (capabilities, roots).
   */
  factory(ctx?: Partial<McpRequestContext>): Server;
  /** The first instance, made on first use (in-process tests connect it to an in-memory transport). */
  readonly mcp: Server;
  backend: Backend;
  jobs: JobManager;
  close(): Promise<void>;
};

function instructions(mode: Backend["mode"], remoteCaller: boolean, limitedTo: readonly string[] | null): string {
  const backend =
    mode === "sandbox"
      ? "Backend: the embedded offline sandbox (no ROUGHY_API_KEY is set). It starts on the first tool call, does real media work locally and simulates credits; nothing leaves this machine."
      : "Backend: the Roughy API (an API key is configured). Uploading spends credits: 1 per source minute, rounded up; everything else is free.";
  return [
    "Roughy turns raw interview footage into a rough cut (drops filler, restarts, off-topic asides).",
    "Flow: estimate_cost (free) -> upload_media (charges once per file) -> create_cut (optional script = the intended message) -> export_cut (EDL/XML/OTIO/SRT/VTT) or create_render -> download_render. cut_to_script does it all as one background job.",
    "Long steps: pass wait_seconds, or call roughy_wait. Ids come from the tool that created the object or from roughy_list.",
    backend,
    // With --toolsets / --read-only the flow above is partly unavailable: say what is there.
    ...(limitedTo ? [`This server is limited (--toolsets / --read-only) to: ${limitedTo.join(", ")}.`] : []),
    ...(remoteCaller ? ["This server runs remotely: it cannot read or write your files. upload_media returns a command that uploads the file from your machine; exports come back inline. cut_to_script then takes the asset_id and answers exports inline (or as roughy:// resources) and the render as a download URL; continue it with roughy_wait kind=job."] : []),
  ].join("\n");
}

export function createServer(options: CreateServerOptions = {}): RoughyServer {
  const env = options.env ?? process.env;
  const logger = redactingLogger(options.logger ?? (() => {}));
  // Checked first: a bad --toolsets is a start-up error, before anything is connected.
  const selection: ToolSelection = {
    toolsets: parseToolsets(options.toolsets ?? env.ROUGHY_TOOLSETS),
    readOnly: options.readOnly ?? parseReadOnly(env.ROUGHY_READ_ONLY),
  };
  const allTools = [...(options.tools ?? TOOL_LIST), ...APP_TOOLS];
  const shown = allTools.filter((tool) => whyHidden(tool, selection) === null && !isAppOnly(tool));
  const limitedTo = shown.length < allTools.filter((tool) => !isAppOnly(tool)).length ? shown.map((tool) => tool.name) : null;
  const jobs = new JobManager({
    logInternal(message, error) {
      logger(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    },
  });
  const budget = new SpendPolicy(processBudget(env));
  // MCP Tasks only where a task can outlive its request: a stateless HTTP server forgets it at once.
  const tasks = options.remote ? undefined : new JobTaskStore(jobs);
  const serverInstructions = instructions(options.remote?.backend.mode ?? options.backend?.mode ?? backendConfigFromEnv(env).mode, Boolean(options.remote), limitedTo);
  const instances = new Set<Server>();
  const interests = new WeakMap<Server, ClientInterest>();

  const sendLog = (level: LoggingLevel, message: string): void => {
    // Only to connected instances, at or above the level each client set (none before logging/setLevel).
    for (const mcp of instances) {
      if (mcp.transport && interests.get(mcp)?.wantsLog(level)) mcp.sendLoggingMessage({ level, logger: SERVER_NAME, data: message }).catch(() => {});
    }
  };

  const backend = options.remote?.backend ?? createBackend(options.backend ?? backendConfigFromEnv(env), {
    onSandboxStarted(baseUrl) {
      const line = `Started the offline Roughy sandbox at ${baseUrl} (no ROUGHY_API_KEY set; credits are simulated). ${mediaToolsLine()}`;
      logger(line);
      sendLog("notice", line);
    },
  });
  const configuredDirs = options.allowDirs && options.allowDirs.length > 0 ? options.allowDirs : parseAllowedDirsEnv(env.ROUGHY_ALLOWED_DIRS);
  const appResource = cutTimelineResource();
  const closers = new Set<() => void>();
  /** The backend's client once a tool has used it: its background uploads end when the server closes. */
  let toolClient: RoughyClient | undefined;
  // One for every instance: ajv loads on the first elicitation answer to check, not at start-up or per request.
  const jsonSchemaValidator = new LazyJsonSchemaValidator();

  // The instance is the same in both eras; the entries negotiate the era, and the era-specific parts
  // (server-to-client requests, subscriptions) follow from what the SDK offers on the connection.
  const factory = (ctx?: Partial<McpRequestContext>): Server => {
    // Tasks are core capabilities and methods on the 2025 wire, an extension (SEP-2663) on the 2026 one.
    const modern = ctx?.era === "modern";
    const mcp = new Server(
      { name: SERVER_NAME, title: "Roughy", version: SERVER_VERSION },
      {
        capabilities: {
          tools: {},
          logging: {},
          resources: { subscribe: true, listChanged: true },
          completions: {},
          prompts: {},
          ...(tasks && !modern ? { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } : {}),
          ...(tasks && modern ? { extensions: TASKS_EXTENSION_CAPABILITY } : {}),
        },
        instructions: serverInstructions,
        jsonSchemaValidator,
      },
    );
    instances.add(mcp);
    const interest = trackClientInterest(mcp);
    interests.set(mcp, interest);

    // Roots are asked for on demand and kept until the client says they changed. A 2026-07-28 connection has
    // no initialize capabilities (and no server-to-client requests), so the configured directories apply.
    // The file-access module judges each root; a failed roots/list is reported as such (and asked again next time).
    let rootsCache: Promise<RootsAnswer> | null = null;
    const roots = (): Promise<RootsAnswer> => {
      if (!mcp.getClientCapabilities()?.roots) return Promise.resolve(null);
      if (!rootsCache) {
        rootsCache = mcp
          .listRoots(undefined, { timeout: 10_000 })
          .then((r): RootsAnswer => ({ uris: r.roots.map((root) => root.uri) }))
          .catch((error: unknown): RootsAnswer => {
            rootsCache = null;
            // The SDK validates the answer: a root that is not a file:// URI fails the whole list.
            // (SDK v2 says so as "Invalid result for roots/list", v1 with zod `issues`.)
            if (Array.isArray((error as { issues?: unknown }).issues) || /^Invalid result for roots\/list/.test((error as Error)?.message ?? "")) {
              return { error: "its answer holds a root that is not a file:// URI" };
            }
            return { error: error instanceof Error ? error.message : String(error) };
          });
      }
      return rootsCache;
    };
    mcp.setNotificationHandler("notifications/roots/list_changed", async () => {
      rootsCache = null;
    });
    const files = options.remote?.files ?? createFileAccess({ roots, configured: configuredDirs, cwd: options.cwd });

    // Cuts already announced in resources/list_changed: a cut completes once, and a repeat would be noise.
    const announcedCuts = new Set<string>();
    const cutCompleted = (cutId: string): void => {
      if (announcedCuts.has(cutId) || !mcp.transport || !interest.listedResources()) return;
      announcedCuts.add(cutId);
      mcp.sendResourceListChanged().catch(() => {});
    };

    registerTools(mcp, allTools, {
      makeContext(extra, parts): ToolContext {
        const ctx: ToolContext = {
          client: () => backend.client().then((client) => (toolClient = client)),
          signal: parts.signal,
          progress: parts.progress,
          progressToken: parts.progressToken,
          log: sendLog,
          files,
          jobs,
          mode: backend.mode,
          cutCompleted,
          // A budget is the operator's for this process: never shared with remote callers.
          ...(options.remote ? { remoteCaller: true, ...(options.remote.jobs ? { remoteJobs: options.remote.jobs } : {}) } : { budget }),
        };
        // Form elicitation: declared as `form`, or as an empty object (the pre-2025-11-25 meaning).
        const elicitation = mcp.getClientCapabilities()?.elicitation;
        if (!options.remote && elicitation && (elicitation.form !== undefined || elicitation.url === undefined)) {
          ctx.elicit = (params) => extra.mcpReq.elicitInput(params);
        }
        return ctx;
      },
      logInternal(message, error) {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        logger(`${message}: ${detail}`);
      },
      selection,
      // An app-only tool is for the view, never the model: a host without MCP Apps would show it to the
      // model (about 200 tokens a turn) and can never use it, so it is listed only to hosts with MCP Apps.
      unlisted: (tool) => isAppOnly(tool) && !getUiCapability(mcp.getClientCapabilities()),
      ...(tasks ? { tasks, tasksExtension: modern } : {}),
    });
    if (tasks && modern) registerTasksExtension(mcp, tasks);
    else tasks?.register(mcp);

    const resources = registerResources(mcp, {
      client: () => backend.client(),
      log: sendLog,
      pollMs: options.subscriptionPollMs,
      fixed: [appResource],
      remote: Boolean(options.remote),
      onList: interest.noteResourcesListed,
    });
    closers.add(resources.close);
    registerPrompts(mcp);
    mcp.onclose = () => {
      resources.close();
      closers.delete(resources.close);
      instances.delete(mcp);
      // Remote mode builds a server per request: when its one instance is done, so is the server.
      if (options.remote) void close();
    };
    return mcp;
  };

  let first: Server | undefined;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    if (!closing) {
      closing = (async () => {
        for (const stop of closers) stop();
        await jobs.closeAll().catch(() => {});
        // Background uploads stop with the server; each stays resumable from the service's offset.
        if (toolClient) await uploadsFor(toolClient).close();
        await Promise.all([...instances].map((mcp) => mcp.close().catch(() => {})));
        await backend.close().catch((error: unknown) => logger(`closing the sandbox failed: ${String(error)}`));
      })();
    }
    return closing;
  };
  return {
    factory,
    get mcp() {
      return (first ??= factory());
    },
    backend,
    jobs,
    close,
  };
}

/** Which ffmpeg and ffprobe the sandbox runs (README "Media tools"), for the start-up line. */
function mediaToolsLine(): string {
  try {
    const t = describeToolchain();
    return `Media tools: ffmpeg ${t.ffmpeg.version} (${t.ffmpeg.source}, ${t.ffmpeg.path}), ffprobe ${t.ffprobe.version} (${t.ffprobe.source}, ${t.ffprobe.path}).`;
  } catch (err) {
    return `Media tools unavailable: ${(err as Error).message}`;
  }
}
