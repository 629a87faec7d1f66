// A scripted agent session, to show what an MCP client sees: the built server is spawned over stdio with no
// API key (so it runs its own offline sandbox in a temp dir), and the session estimates the cost, cuts the
// fixture interview to its script in one cut_to_script job (every export format, an mp4 render, the
// download), follows the job with wait, and shows the credits. Progress notifications print as bars.
//
// Run: npm run demo   (builds first; needs test/fixtures/interview.mp4)

import { spawnSync } from "node:child_process";
import { copyFile, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CallToolResultSchema, type CallToolResult, type Progress } from "@modelcontextprotocol/sdk/types.js";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const FIXTURE = path.join(ROOT, "test/fixtures/interview.mp4");
const SCRIPT = path.join(ROOT, "test/fixtures/interview.script.txt");
const CLI = path.join(ROOT, "dist/cli.js");
const BAR_WIDTH = 30;
const isTty = process.stdout.isTTY === true;

function bar(p: Progress): string {
  const fraction = p.total ? Math.min(1, p.progress / p.total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const pct = p.total ? `${Math.floor(fraction * 100)}%`.padStart(4) : "  … ";
  return `  [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${pct} ${p.message ?? ""}`;
}

let barOpen = false;
function printProgress(p: Progress): void {
  // On a terminal the bar redraws in place; in a log each notification is its own line.
  if (isTty) {
    process.stdout.write(`\r\x1b[2K${bar(p)}`);
    barOpen = true;
  } else {
    process.stdout.write(`${bar(p)}\n`);
  }
}

function say(line: string): void {
  if (barOpen) {
    process.stdout.write("\n");
    barOpen = false;
  }
  process.stdout.write(`${line}\n`);
}

function text(result: CallToolResult): string {
  return result.content
    .filter((c): c is { type: "text"; text: string } => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  say(`\n> ${name} ${JSON.stringify(args)}`);
  const result = (await client.callTool({ name, arguments: args }, CallToolResultSchema, {
    onprogress: printProgress,
    timeout: 120_000,
    resetTimeoutOnProgress: true,
  })) as CallToolResult;
  say(`${result.isError ? "! " : "< "}${text(result)}`);
  if (result.isError) throw new Error(`${name} failed`);
  return result;
}

async function main(): Promise<void> {
  await stat(CLI).catch(() => {
    throw new Error(`${CLI} is missing: run "npm run build" first (npm run demo does).`);
  });
  await stat(FIXTURE).catch(() => {
    throw new Error(`${FIXTURE} is missing: the demo needs the fixture interview.`);
  });
  const work = await mkdtemp(path.join(tmpdir(), "roughy-demo-"));
  const media = path.join(work, "interview.mp4");
  const scriptFile = path.join(work, "interview.script.txt");
  await copyFile(FIXTURE, media);
  await copyFile(SCRIPT, scriptFile);

  const hasRecogniser = spawnSync("pocketsphinx_continuous", ["-h"], { stdio: "ignore" }).error === undefined;
  say(`Working in ${work}`);
  if (!hasRecogniser) {
    say("pocketsphinx_continuous is not installed: the sandbox cannot transcribe, so this demo makes a scriptless cut (silence-based).");
  }

  // No API key: the server starts its own sandbox, with its data in the temp dir.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("ROUGHY_")) env[k] = v;
  env.ROUGHY_SANDBOX_DIR = path.join(work, "sandbox-data");
  env.ROUGHY_UPLOAD_STORE = path.join(work, "uploads.json");

  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--allow-dir", work], env, stderr: "pipe" });
  transport.stderr?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) say(`  (server) ${line.trim()}`);
  });
  const client = new Client({ name: "roughy-demo", version: "0.1.0" });
  const started = Date.now();
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    say(`Connected. ${tools.length} tools: ${tools.map((t) => t.name).join(", ")}`);

    await call(client, "get_credits", {});
    if (tools.some((t) => t.name === "estimate_cost")) await call(client, "estimate_cost", { path: media });

    let result = await call(client, "cut_to_script", {
      file_path: media,
      ...(hasRecogniser ? { script_path: scriptFile } : {}),
      exports: ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"],
      render: "mp4",
      confirm_cost: true,
      wait_seconds: 50,
    });
    let job = result.structuredContent as { id: string; status: string };
    while (job.status === "running") {
      result = await call(client, "roughy_wait", { kind: "job", id: job.id, wait_seconds: 50 });
      job = (result.structuredContent as { job: { id: string; status: string } }).job;
    }
    if (job.status !== "completed") throw new Error(`the job ended ${job.status}`);

    await call(client, "get_credits", { ledger_limit: 3 });

    say(`\nFiles in ${work}:`);
    for (const name of (await readdir(work)).sort()) {
      const s = await stat(path.join(work, name));
      if (s.isFile()) say(`  ${name.padEnd(36)} ${s.size.toLocaleString()} bytes`);
    }
    say(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. The files stay in ${work}.`);
  } finally {
    await client.close().catch(() => {});
  }
  if (process.env.ROUGHY_DEMO_CLEANUP === "1") await rm(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
