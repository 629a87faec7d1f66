// `roughy-mcp --http` as users start it (the built dist/cli.js): it prints {"url"} first, serves MCP at
// that URL with the caller's key forwarded to ROUGHY_BASE_URL, and with --sandbox it brings its own backend
// that a keyless local client may use.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";
import { connectRemote, dataOf } from "./helpers.js";

const CLI = path.resolve("dist/cli.js");

async function start(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "--http", "--port", "0", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0]!) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, url };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

describe("roughy-mcp --http", () => {
  let sb: TestSandbox;
  let work: string;
  beforeAll(async () => {
    sb = await startTestSandbox();
    work = await mkdtemp(path.join(tmpdir(), "roughy-http-cli-"));
  });
  afterAll(async () => {
    await sb?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("forwards each caller's key to ROUGHY_BASE_URL and refuses a caller without one", async () => {
    const { child, url } = await start([], { PATH: process.env.PATH, ROUGHY_BASE_URL: sb.sandbox.baseUrl, HOME: work });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      await sb.control("POST", "/sandbox/credits", { balance: 42 });
      const c = await connectRemote(url, sb.sandbox.apiKey);
      try {
        expect(dataOf<{ balance: number }>(await c.call("get_credits", { ledger_limit: 0 })).balance).toBe(42);
      } finally {
        await c.close();
      }
      await expect(connectRemote(url, null)).rejects.toThrow();
    } finally {
      await stop(child);
    }
  });

  it("--sandbox serves its own sandbox, keyless callers included", async () => {
    const { child, url } = await start(["--sandbox"], { PATH: process.env.PATH, ROUGHY_SANDBOX_DIR: path.join(work, "sb"), HOME: work });
    try {
      const c = await connectRemote(url, null);
      try {
        const credits = dataOf<{ balance: number; mode: string }>(await c.call("get_credits", { ledger_limit: 0 }));
        expect(credits.mode).toBe("sandbox");
        expect(typeof credits.balance).toBe("number");
      } finally {
        await c.close();
      }
    } finally {
      await stop(child);
    }
  });
});
