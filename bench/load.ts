// Load on the remote (HTTP) mode and memory of a big upload, each server in a child process of its own so
// that its RSS figures are its alone (read from /proc: VmRSS now, VmHWM peak). Not part of `npm test`.
//   1. `roughy-mcp --http` against a sandbox: rounds of 50 concurrent tool calls from one client, then 10
//      clients at once; every answer checked; server RSS before, after and peak.
//   2. `roughy-mcp` (stdio) uploading a sparse file of --upload-mib (default 2048) with upload_media into
//      the sandbox: the server's peak RSS must stay under 150 MB.
//   3. The same file in remote mode: upload_media over HTTP answers with a command, which runs here (curl);
//      the bytes never pass through the HTTP server, whose peak RSS is reported to show it.
// Run: npm run build && node --import tsx bench/load.ts [--rounds 5] [--upload-mib 2048] [--skip-upload]

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { copyFile, mkdtemp, readFile, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { startSandbox } from "../src/sandbox/index.js";

const RSS_LIMIT_MB = 150;
const CLI = path.resolve("dist/cli.js");
const FIXTURE = path.resolve("test/fixtures/interview.m4a");

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, "upload-mib": { type: "string", default: "2048" }, "skip-upload": { type: "boolean" } },
});

async function procMemory(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

const fmt = (n: number) => n.toFixed(1);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function startHttpChild(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "--http", "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const line = buffered.split("\n")[0];
      if (buffered.includes("\n") && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`roughy-mcp --http exited (${code})`)));
  });
  return { child, url };
}

async function httpClient(url: string, apiKey: string): Promise<Client> {
  const client = new Client({ name: "roughy-load", version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${apiKey}` } } }));
  return client;
}

async function timedCall(client: Client, name: string, args: Record<string, unknown>, latencies: number[]): Promise<CallToolResult> {
  const t0 = performance.now();
  const result = (await client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 120_000 })) as CallToolResult;
  latencies.push(performance.now() - t0);
  return result;
}

async function httpLoad(sandbox: { baseUrl: string; apiKey: string }, rounds: number) {
  const { child, url } = await startHttpChild({ ...process.env, ROUGHY_BASE_URL: sandbox.baseUrl, ROUGHY_API_KEY: "" });
  const latencies: number[] = [];
  let ok = 0;
  let wrong = 0;
  const check = (r: CallToolResult, expectName?: string) => {
    const data = r.structuredContent as { project?: { name: string }; balance?: number } | undefined;
    const good = !r.isError && (expectName ? data?.project?.name === expectName : typeof data?.balance === "number");
    if (good) ok++;
    else wrong++;
  };
  try {
    const warm = await httpClient(url, sandbox.apiKey);
    for (let i = 0; i < 10; i++) check(await timedCall(warm, "get_credits", { ledger_limit: 0 }, []));
    const before = await procMemory(child.pid!);

    const t0 = performance.now();
    for (let round = 0; round < rounds; round++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0 ? timedCall(warm, "create_project", { name: `r${round}-${i}` }, latencies) : timedCall(warm, "get_credits", { ledger_limit: 1 }, latencies),
        ),
      );
      results.forEach((r, i) => check(r, i % 2 === 0 ? `r${round}-${i}` : undefined));
    }
    await warm.close();
    const clients = await Promise.all(Array.from({ length: 10 }, () => httpClient(url, sandbox.apiKey)));
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        clients.map(async (c, n) => {
          const rs = await Promise.all(Array.from({ length: 5 }, (_, i) => timedCall(c, "create_project", { name: `c${round}-${n}-${i}` }, latencies)));
          rs.forEach((r, i) => check(r, `c${round}-${n}-${i}`));
          check(await timedCall(c, "get_credits", { ledger_limit: 0 }, latencies));
        }),
      );
    }
    await Promise.all(clients.map((c) => c.close()));
    const seconds = (performance.now() - t0) / 1000;
    const after = await procMemory(child.pid!);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      calls: latencies.length,
      ok,
      wrong,
      seconds: Number(seconds.toFixed(2)),
      calls_per_second: Number((latencies.length / seconds).toFixed(0)),
      p50_ms: Number(percentile(sorted, 50).toFixed(1)),
      p95_ms: Number(percentile(sorted, 95).toFixed(1)),
      server_rss_before_mb: Number(fmt(before.rssMb)),
      server_rss_after_mb: Number(fmt(after.rssMb)),
      server_rss_peak_mb: Number(fmt(after.peakMb)),
    };
  } finally {
    child.kill("SIGTERM");
  }
}

async function bigUpload(sandbox: { baseUrl: string; apiKey: string }, mib: number, work: string) {
  // A real audio header followed by a hole: ffprobe reads the duration, and the file takes no disk to make.
  const file = path.join(work, "big.m4a");
  await copyFile(FIXTURE, file);
  await truncate(file, mib * 1024 * 1024);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI],
    env: {
      ...(process.env as Record<string, string>),
      ROUGHY_API_KEY: sandbox.apiKey,
      ROUGHY_BASE_URL: sandbox.baseUrl,
      ROUGHY_ALLOWED_DIRS: work,
      XDG_CACHE_HOME: path.join(work, "cache"),
    },
    stderr: "inherit",
  });
  const client = new Client({ name: "roughy-load", version: "0" });
  await client.connect(transport);
  const pid = transport.pid!;
  const idle = await procMemory(pid);
  let sampled = 0;
  const sampler = setInterval(() => {
    procMemory(pid).then((m) => (sampled = Math.max(sampled, m.rssMb))).catch(() => {});
  }, 100);
  try {
    const t0 = performance.now();
    const result = (await client.callTool({ name: "upload_media", arguments: { path: file, confirm_cost: true } }, CallToolResultSchema, {
      timeout: 900_000,
    })) as CallToolResult;
    const seconds = (performance.now() - t0) / 1000;
    const end = await procMemory(pid);
    if (result.isError) throw new Error(`upload_media failed: ${JSON.stringify(result.content)}`);
    const asset = (result.structuredContent as { asset: { state: string; size_bytes?: number } }).asset;
    const peak = Math.max(end.peakMb, sampled);
    return {
      bytes: mib * 1024 * 1024,
      seconds: Number(seconds.toFixed(1)),
      mib_per_second: Number((mib / seconds).toFixed(0)),
      asset_state: asset.state,
      server_rss_idle_mb: Number(fmt(idle.rssMb)),
      server_rss_peak_mb: Number(fmt(peak)),
      under_limit: peak < RSS_LIMIT_MB,
    };
  } finally {
    clearInterval(sampler);
    await client.close();
  }
}

async function remoteUpload(sandbox: { baseUrl: string; apiKey: string }, mib: number, work: string) {
  const file = path.join(work, "remote.m4a");
  await copyFile(FIXTURE, file);
  await truncate(file, mib * 1024 * 1024);
  const { child, url } = await startHttpChild({ ...process.env, ROUGHY_BASE_URL: sandbox.baseUrl, ROUGHY_API_KEY: "" });
  try {
    const client = await httpClient(url, sandbox.apiKey);
    const before = await procMemory(child.pid!);
    const answer = (await client.callTool(
      { name: "upload_media", arguments: { path: file, size_bytes: mib * 1024 * 1024, duration_seconds: 32, confirm_cost: true } },
      CallToolResultSchema,
    )) as CallToolResult;
    if (answer.isError) throw new Error(`upload_media failed: ${JSON.stringify(answer.content)}`);
    const { upload_command: command, asset } = answer.structuredContent as { upload_command: string; asset: { id: string } };
    const t0 = performance.now();
    await promisify(execFile)("sh", ["-c", command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ROUGHY_API_KEY: sandbox.apiKey } });
    const seconds = (performance.now() - t0) / 1000;
    const waited = (await client.callTool({ name: "roughy_wait", arguments: { kind: "asset", id: asset.id, wait_seconds: 0 } }, CallToolResultSchema)) as CallToolResult;
    await client.close();
    const after = await procMemory(child.pid!);
    return {
      bytes: mib * 1024 * 1024,
      seconds: Number(seconds.toFixed(1)),
      asset_state: (waited.structuredContent as { state: string }).state,
      http_server_rss_before_mb: Number(fmt(before.rssMb)),
      http_server_rss_peak_mb: Number(fmt(after.peakMb)),
    };
  } finally {
    child.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), "roughy-load-"));
  const sandbox = await startSandbox({ port: 0, dataDir: path.join(work, "sandbox"), startingBalance: 100_000 });
  let failed = false;
  try {
    const load = await httpLoad(sandbox, Number(values.rounds));
    console.log(JSON.stringify({ http_load: load }));
    if (load.wrong > 0 || load.ok !== load.calls + 10) failed = true;
    if (!values["skip-upload"]) {
      const upload = await bigUpload(sandbox, Number(values["upload-mib"]), work);
      console.log(JSON.stringify({ upload }));
      if (!upload.under_limit) failed = true;
      const remote = await remoteUpload(sandbox, Number(values["upload-mib"]), work);
      console.log(JSON.stringify({ remote_upload: remote }));
      if (remote.asset_state === "pending_upload") failed = true;
    }
  } finally {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  }
  if (failed) {
    console.error("load bench: FAILED (a wrong or missing answer, or RSS over the limit)");
    process.exitCode = 1;
  }
}

await main();
