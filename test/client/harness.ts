// Shared setup for the client's contract tests: a sandbox on a random loopback port with its own data dir,
// a client pointed at it, and the sandbox-only controls (faults, credits, transcripts) spoken over HTTP.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RoughyClient, type RoughyClientOptions, type RoughyError } from "../../src/client/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { sandboxControl } from "../helpers/sandbox-control.js";

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface Harness {
  sb: Sandbox;
  client: RoughyClient;
  dataDir: string;
  /** Another client on the same sandbox (own options). Closed by stop(). */
  newClient(o?: Partial<RoughyClientOptions>): RoughyClient;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  fault(spec: Record<string, unknown>): Promise<void>;
  /** Stops the sandbox and starts it again on the same data dir (and key). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(o: { clientOptions?: Partial<RoughyClientOptions>; startingBalance?: number } = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), "roughy-client-contract-"));
  const clients: RoughyClient[] = [];
  const boot = (apiKey?: string) =>
    startSandbox({ port: 0, dataDir, ...(apiKey ? { apiKey } : {}), ...(o.startingBalance !== undefined ? { startingBalance: o.startingBalance } : {}) });
  const h: Harness = {
    sb: await boot(),
    client: undefined as unknown as RoughyClient,
    dataDir,
    newClient(extra = {}) {
      const c = new RoughyClient({ apiKey: h.sb.apiKey, baseUrl: h.sb.baseUrl, maxRetries: 4, ...o.clientOptions, ...extra });
      clients.push(c);
      return c;
    },
    control: (method, path, body) => sandboxControl(h.sb, method, path, body),
    async fault(spec) {
      const r = await h.control("POST", "/sandbox/faults", spec);
      if (r.status >= 300) throw new Error(`fault injection failed: ${r.status} ${JSON.stringify(r.body)}`);
    },
    async restart() {
      const key = h.sb.apiKey;
      await h.sb.close();
      h.sb = await boot(key);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await h.sb.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  h.client = h.newClient();
  return h;
}

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");
export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/**
 * Polls every `every` ms until `check` returns a value (not undefined). No deadline of its own: a loaded machine
 * must not fail a correct test; vitest's testTimeout is the safety net for a condition that never comes.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, every = 200): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Awaits a promise that must fail, and returns its error (a test helper for the client's error paths). */
export async function failure(p: Promise<unknown>): Promise<RoughyError> {
  try {
    await p;
  } catch (e) {
    return e as RoughyError;
  }
  throw new Error("expected a failure");
}
