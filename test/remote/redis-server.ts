// A real redis-server for the replica tests: its own process on a free loopback port, its data in a temporary
// directory, no persistence. Debian's `redis-server` package (.ci/run installs it); missing locally, the tests
// that need it skip, but never in CI.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const HAVE_REDIS = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
if (!HAVE_REDIS && process.env.CI) throw new Error("redis-server is not installed; .ci/run installs it with apt (APT_PACKAGES)");

export type TestRedis = { url: string; port: number; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the server says it accepts connections; rejects with its output when it exits first. */
function launch(port: number, dir: string, password: string | undefined): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "yes"];
  const child = spawn("redis-server", password ? [...args, "--requirepass", password] : args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Ready to accept connections")) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${output.slice(-500)}`)));
    child.once("error", reject);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** With `password`, clients must authenticate and `url` carries it. */
export async function startTestRedis(password?: string): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "roughy-redis-"));
  let port = 0;
  let child: ChildProcess | null = null;
  // Another process may take the probed port before redis binds it: try a few.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    child = await launch(port, dir, password).catch((error: unknown) => {
      if (attempt === 4) throw error;
      return null;
    });
  }
  const handle: TestRedis = {
    url: `redis://${password ? `:${password}@` : ""}127.0.0.1:${port}`,
    port,
    async stop() {
      if (child) await stopProcess(child);
      child = null;
    },
    async start() {
      if (!child) child = await launch(port, dir, password);
    },
    async close() {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
