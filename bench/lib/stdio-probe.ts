// Times a stdio MCP server's first answers the way a host meets them: spawn the process, write JSON-RPC lines to
// its stdin, and stamp each answer as its line arrives. Raw JSON-RPC rather than an SDK client, so that the
// same probe measures any server (ours, the reference servers) in either protocol era, and the client side
// costs nothing that differs between them.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { hostEnv, nowMs } from "./common.js";

export const LEGACY_VERSION = "2025-11-25";
export const STATELESS_VERSION = "2026-07-28";

/** ms from spawn to each answer; NaN where the server answered with an error (it does not speak that method). */
export type Probe = { first: number; second: number };

type Message = { id?: number; result?: unknown; error?: { message?: string } };

/**
 * Legacy era: `initialize`, then `notifications/initialized` and `tools/list` (first = the initialize answer,
 * second = the tools/list answer). 2026 era: `server/discover` alone (first = second = its answer).
 */
export async function probe(command: string, args: readonly string[], env: Record<string, string>, era: "legacy" | "2026"): Promise<Probe> {
  const child = spawn(command, args, { env: hostEnv(env), stdio: ["pipe", "pipe", "ignore"] });
  const t0 = nowMs();
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const answers = new Map<number, (m: Message) => void>();
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      return; // not JSON-RPC: a stray log line
    }
    if (typeof message.id === "number") answers.get(message.id)?.(message);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => reject(new Error(`${args.join(" ")} exited (${signal ?? code}) before answering`))),
  );
  exited.catch(() => {});
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const request = (id: number, method: string, params: object): Promise<number> => {
    const answered = new Promise<number>((resolve) =>
      answers.set(id, (m) => resolve(m.error || m.result === undefined ? Number.NaN : nowMs() - t0)),
    );
    send({ jsonrpc: "2.0", id, method, params });
    return Promise.race([answered, exited]);
  };
  const clientInfo = { name: "roughy-mcp-bench", version: "0.0.0" };
  try {
    if (era === "2026") {
      const meta = {
        "io.modelcontextprotocol/protocolVersion": STATELESS_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": clientInfo,
      };
      const first = await request(1, "server/discover", { _meta: meta });
      return { first, second: first };
    }
    const first = await request(1, "initialize", { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    const second = await request(2, "tools/list", {});
    return { first, second };
  } finally {
    lines.close();
    child.stdin.end();
    if (child.exitCode === null) child.kill();
    // The next spawn starts on a quiet machine, not beside this one's teardown.
    await gone;
  }
}
