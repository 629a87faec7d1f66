// The parts of the client and the sandbox that the benches use, typed structurally and loaded from dist at
// run time (see loadDist): a bench measures the built code, the same code `npx roughy-mcp` runs.

import { loadDist } from "./common.js";

export type Resource = { id: string; state: string; [key: string]: unknown };

export interface BenchClient {
  projects: { create(body: { name: string }): Promise<Resource> };
  assets: { get(id: string): Promise<Resource> };
  uploads: {
    uploadFile(options: {
      path: string;
      projectId: string;
      filename?: string;
      onProgress?: (sent: number, total: number) => void;
      resumeStore?: unknown;
    }): Promise<{ asset: Resource }>;
  };
  cuts: {
    create(body: { asset_id: string; script?: string | null }): Promise<{ cut: Resource; created: boolean }>;
    get(id: string): Promise<Resource>;
    export(id: string, format: string): Promise<{ content: string }>;
  };
  renders: {
    create(body: { asset_id: string; cut_id?: string; output: string }): Promise<Resource>;
    get(id: string): Promise<Resource>;
  };
  waitForCuttable(assetId: string, options?: { timeoutMs?: number }): Promise<Resource>;
}

export type ClientModule = {
  RoughyClient: new (options: { apiKey: string; baseUrl: string; userAgent?: string; maxRetries?: number }) => BenchClient;
  MemoryResumeStore?: new () => unknown;
};

export type Sandbox = { baseUrl: string; apiKey: string; close(): Promise<void> };
type SandboxModule = {
  startSandbox(options: { host?: string; port?: number; dataDir?: string; startingBalance?: number }): Promise<Sandbox>;
};

export async function loadClientModule(): Promise<ClientModule> {
  return loadDist<ClientModule>("client/index.js");
}

export async function startSandbox(dataDir: string, startingBalance = 100_000): Promise<Sandbox> {
  const { startSandbox } = await loadDist<SandboxModule>("sandbox/index.js");
  return startSandbox({ host: "127.0.0.1", port: 0, dataDir, startingBalance });
}

export async function clientFor(sandbox: Sandbox): Promise<BenchClient> {
  const { RoughyClient } = await loadClientModule();
  return new RoughyClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl, userAgent: "roughy-mcp-bench" });
}

/** A sandbox-only control call (faults, transcripts, credits), with the sandbox's own key. */
export async function sandboxControl(
  sandbox: Sandbox,
  method: "POST" | "PUT" | "DELETE",
  pathname: string,
  body?: unknown,
): Promise<void> {
  const res = await fetch(new URL(pathname, sandbox.baseUrl), {
    method,
    headers: { authorization: `Bearer ${sandbox.apiKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${method} ${pathname} answered ${res.status}`);
}
