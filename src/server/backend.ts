// Decides which Roughy the tools talk to, and connects to it only when a tool first needs it: with an API
// key, the remote service; without one, the embedded sandbox started in-process on 127.0.0.1. Nothing here
// runs before `initialize` answers (no file reads, no ffprobe, no network): heavy modules load on demand.

import { ConfigurationError } from "../vocabulary/errors.js";
import { promises as fs } from "node:fs";
import type { RoughyClient } from "../client/index.js";
import type { BackendMode } from "../tools/define-tool.js";
import { registerSecret } from "../secrets.js";

export type BackendConfig = {
  mode: BackendMode;
  /** Where the key comes from, for remote mode: the key itself or a file holding it. */
  apiKey?: string;
  apiKeyFile?: string;
  baseUrl?: string;
  /** Sandbox data directory; the sandbox's own default when unset. */
  sandboxDataDir?: string;
  /** Per-request timeout of the client (ROUGHY_TIMEOUT_MS); the client's default when unset. */
  timeoutMs?: number;
};

export interface Backend {
  readonly mode: BackendMode;
  /** The connected client; the first call starts the sandbox or reads the key file. */
  client(): Promise<RoughyClient>;
  /** Where the sandbox listens once started (sandbox mode only), for instructions and logs. */
  sandboxUrl(): string | null;
  close(): Promise<void>;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** Reads the configuration from the environment; empty strings (an unfilled bundle setting) count as unset. */
export function backendConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const apiKey = nonEmpty(env.ROUGHY_API_KEY);
  const apiKeyFile = nonEmpty(env.ROUGHY_API_KEY_FILE);
  const baseUrl = nonEmpty(env.ROUGHY_BASE_URL);
  const sandboxDataDir = nonEmpty(env.ROUGHY_SANDBOX_DIR);
  // A value that is not a positive number is ignored rather than turned into a timeout of 0.
  const timeout = Number(nonEmpty(env.ROUGHY_TIMEOUT_MS));
  const timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : undefined;
  if (apiKey || apiKeyFile) return { mode: "remote", apiKey, apiKeyFile, baseUrl, ...(timeoutMs ? { timeoutMs } : {}) };
  return { mode: "sandbox", sandboxDataDir, ...(timeoutMs ? { timeoutMs } : {}) };
}

export type BackendEvents = {
  /** Called once when the embedded sandbox is up (to announce it to the user). */
  onSandboxStarted?: (baseUrl: string, dataDir: string | undefined) => void;
};

export function createBackend(config: BackendConfig, events: BackendEvents = {}): Backend {
  let pending: Promise<RoughyClient> | null = null;
  let sandboxClose: (() => Promise<void>) | null = null;
  let sandboxBaseUrl: string | null = null;
  let closed = false;

  const connect = async (): Promise<RoughyClient> => {
    const { RoughyClient } = await import("../client/index.js");
    const userAgent = "roughy-mcp";
    if (config.mode === "remote") {
      let apiKey = config.apiKey;
      if (!apiKey && config.apiKeyFile) {
        // Read at first use so that a missing file is a configuration error the agent sees, not a crash at start.
        const file = config.apiKeyFile;
        apiKey = (
          await fs.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
            throw new ConfigurationError(
              `ROUGHY_API_KEY_FILE (${file}) cannot be read (${error.code ?? "error"}). Fix the path or the file's permissions in the server's configuration, or set ROUGHY_API_KEY instead.`,
            );
          })
        ).trim();
      }
      if (!apiKey) throw new ConfigurationError("ROUGHY_API_KEY_FILE names an empty file. Put the Roughy API key in it, or set ROUGHY_API_KEY instead.");
      // Held as long as the process runs: the key is redacted from everything that leaves it.
      registerSecret(apiKey);
      return new RoughyClient({ apiKey, baseUrl: config.baseUrl, userAgent, timeoutMs: config.timeoutMs });
    }
    // Loaded only here: the sandbox pulls in ffmpeg, SQLite and the TUS server.
    const { startSandbox } = await import("../sandbox/index.js");
    const sandbox = await startSandbox({ host: "127.0.0.1", port: 0, dataDir: config.sandboxDataDir });
    sandboxClose = () => sandbox.close();
    sandboxBaseUrl = sandbox.baseUrl;
    if (closed) {
      await sandbox.close();
      throw new Error("server closed");
    }
    events.onSandboxStarted?.(sandbox.baseUrl, config.sandboxDataDir);
    return new RoughyClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl, userAgent, timeoutMs: config.timeoutMs });
  };

  return {
    mode: config.mode,
    client() {
      if (!pending) {
        pending = connect();
        // A failed start (port, disk) may succeed on the next call: do not cache the failure.
        pending.catch(() => {
          pending = null;
        });
      }
      return pending;
    },
    sandboxUrl: () => sandboxBaseUrl,
    async close() {
      closed = true;
      const close = sandboxClose;
      sandboxClose = null;
      if (close) await close();
    },
  };
}
