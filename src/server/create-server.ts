// Builds one MCP server: the tools, the resources and their subscriptions, logging, and the per-call
// context (lazy backend, progress, file access through roots, elicitation). Transport-agnostic: the CLI
// connects it to stdio, tests to an in-memory pair. Nothing slow happens until a tool or resource needs it.

import { describeToolchain } from "../media-tools/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { getUiCapability } from "@modelcontextprotocol/ext-apps/server";
import { RootsListChangedNotificationSchema, type LoggingLevel } from "@modelcontextprotocol/sdk/types.js";
import { TOOL_LIST } from "../tools/index.js";
import type { AnyToolDefinition, ToolContext } from "../tools/define-tool.js";
import { createFileAccess, parseAllowedDirsEnv, type FileAccess, type RootsAnswer } from "../files/allowed-dirs.js";
import { redactingLogger } from "../secrets.js";
import { JobManager } from "../jobs/manager.js";
import { JobTaskStore, TASK_POLL_INTERVAL_MS } from "../jobs/task-store.js";
import { backendConfigFromEnv, createBackend, type Backend, type BackendConfig } from "./backend.js";
import { registerTools } from "./register-tools.js";
import { registerResources } from "../resources/register-resources.js";
import { APP_TOOLS, registerApp } from "../app/register-app.js";
import { parseReadOnly, parseToolsets, whyHidden, type ToolSelection } from "./toolsets.js";

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
  remote?: { backend: Backend; files: FileAccess };
  /** Toolsets to expose (--toolsets); default: ROUGHY_TOOLSETS, else all. An unknown name throws. */
  toolsets?: string | readonly string[];
  /** Only tools with readOnlyHint, and refuse the rest (--read-only); default: ROUGHY_READ_ONLY. */
  readOnly?: boolean;
};

export type RoughyServer = {
  mcp: McpServer;
  backend: Backend;
  jobs: JobManager;
  files: FileAccess;
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
    ...(remoteCaller ? ["This server runs remotely: it cannot read or write your files. upload_media returns a command that uploads the file from your machine; exports come back inline."] : []),
  ].join("\n");
}

/** A tool only an MCP App view calls (`ui.visibility: ["app"]`): not one the model is told about. */
function isAppOnly(tool: AnyToolDefinition): boolean {
  const ui = tool._meta?.ui as { visibility?: unknown } | undefined;
  return Array.isArray(ui?.visibility) && !ui.visibility.includes("model");
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
  const jobs = new JobManager();
  // MCP Tasks only where a task can outlive its request: a stateless HTTP server forgets it at once.
  const tasks = options.remote ? undefined : new JobTaskStore(jobs);
  const mcp = new McpServer(
    { name: SERVER_NAME, title: "Roughy", version: SERVER_VERSION },
    {
      capabilities: {
        logging: {},
        resources: { subscribe: true, listChanged: true },
        completions: {},
        ...(tasks ? { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } : {}),
      },
      ...(tasks ? { taskStore: tasks, defaultTaskPollInterval: TASK_POLL_INTERVAL_MS } : {}),
      instructions: instructions(options.remote?.backend.mode ?? options.backend?.mode ?? backendConfigFromEnv(env).mode, Boolean(options.remote), limitedTo),
    },
  );

  const sendLog = (level: LoggingLevel, message: string): void => {
    // Only once connected: a log before initialize has nowhere to go.
    if (!mcp.isConnected()) return;
    mcp.sendLoggingMessage({ level, logger: SERVER_NAME, data: message }).catch(() => {});
  };

  const backend = options.remote?.backend ?? createBackend(options.backend ?? backendConfigFromEnv(env), {
    onSandboxStarted(baseUrl) {
      const line = `Started the offline Roughy sandbox at ${baseUrl} (no ROUGHY_API_KEY set; credits are simulated). ${mediaToolsLine()}`;
      logger(line);
      sendLog("notice", line);
    },
  });

  // Roots are asked for on demand and kept until the client says they changed.
  // The file-access module judges each root; a failed roots/list is reported as such (and asked again next time).
  let rootsCache: Promise<RootsAnswer> | null = null;
  const roots = (): Promise<RootsAnswer> => {
    if (!mcp.server.getClientCapabilities()?.roots) return Promise.resolve(null);
    if (!rootsCache) {
      rootsCache = mcp.server
        .listRoots(undefined, { timeout: 10_000 })
        .then((r): RootsAnswer => ({ uris: r.roots.map((root) => root.uri) }))
        .catch((error: unknown): RootsAnswer => {
          rootsCache = null;
          // The SDK validates the answer: a root that is not a file:// URI fails the whole list.
          if (Array.isArray((error as { issues?: unknown }).issues)) return { error: "its answer holds a root that is not a file:// URI" };
          return { error: error instanceof Error ? error.message : String(error) };
        });
    }
    return rootsCache;
  };
  mcp.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    rootsCache = null;
  });

  const files = options.remote?.files ?? createFileAccess({
    roots,
    configured: options.allowDirs && options.allowDirs.length > 0 ? options.allowDirs : parseAllowedDirsEnv(env.ROUGHY_ALLOWED_DIRS),
    cwd: options.cwd,
  });
  // Cuts already announced in resources/list_changed: a cut completes once, and a repeat would be noise.
  const announcedCuts = new Set<string>();
  const cutCompleted = (cutId: string): void => {
    if (announcedCuts.has(cutId) || !mcp.isConnected()) return;
    announcedCuts.add(cutId);
    mcp.sendResourceListChanged();
  };

  registerTools(mcp, allTools, {
    makeContext(extra, parts): ToolContext {
      const ctx: ToolContext = {
        client: () => backend.client(),
        signal: parts.signal,
        progress: parts.progress,
        progressToken: parts.progressToken,
        log: sendLog,
        files,
        jobs,
        mode: backend.mode,
        cutCompleted,
        ...(options.remote ? { remoteCaller: true } : {}),
      };
      // Form elicitation: declared as `form`, or as an empty object (the pre-2025-11-25 meaning).
      const elicitation = mcp.server.getClientCapabilities()?.elicitation;
      if (!options.remote && elicitation && (elicitation.form !== undefined || elicitation.url === undefined)) {
        ctx.elicit = (params) => mcp.server.elicitInput(params, { signal: extra.signal, relatedRequestId: extra.requestId });
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
    unlisted: (tool) => isAppOnly(tool) && !getUiCapability(mcp.server.getClientCapabilities()),
    ...(tasks ? { tasks } : {}),
  });

  const resources = registerResources(mcp, {
    client: () => backend.client(),
    log: sendLog,
    pollMs: options.subscriptionPollMs,
  });
  // After the resources: the app wraps their resources/read handler to serve its ui:// page.
  registerApp(mcp);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    if (!closing) {
      closing = (async () => {
        resources.close();
        await jobs.closeAll().catch(() => {});
        await mcp.close().catch(() => {});
        await backend.close().catch((error: unknown) => logger(`closing the sandbox failed: ${String(error)}`));
      })();
    }
    return closing;
  };
  const previous = mcp.server.onclose;
  mcp.server.onclose = () => {
    previous?.();
    void close();
  };

  return { mcp, backend, jobs, files, close };
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
