// Shared by the three CLI hosts: a mock model with the scripted agent, a private HOME, and a bounded run.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startMockModel } from "../mock-model.mjs";
import { declarationChecks, isFlowRequest, makeAgent, resultChecks } from "../flow.mjs";

export const PROMPT = "Cut my interview interview.mp4 to the script, export subtitles, render an mp3 and download it.";

/** Runs `command args` with a time limit; resolves with the exit code and the output (never rejects). */
export function runBounded(command, args, { env, cwd, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      err += `\n(interop: stopped after ${timeoutMs / 1000} s)`;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** One CLI host: `launch({mockUrl, home, ctx})` returns {command, args, env}; the rest is common. */
export async function runCliHost(ctx, { id, launch, extraArgs, nullOptional, warmup, timeoutMs = 600_000 }) {
  const agent = makeAgent({ media: ctx.media, script: ctx.script, saveDir: ctx.work, extraArgs, nullOptional });
  const mock = await startMockModel({ agent, isFlow: isFlowRequest, warmup });
  const home = path.join(ctx.work, ".home");
  fs.mkdirSync(home, { recursive: true });
  try {
    const spec = await launch({ mockUrl: mock.url, home, ctx });
    const run = await runBounded(spec.command, spec.args, { env: spec.env, cwd: ctx.work, timeoutMs });
    const requests = mock.requests;
    if (process.env.INTEROP_DEBUG) fs.writeFileSync(path.join(process.env.INTEROP_DEBUG, `${id}.json`), JSON.stringify({ run, requests, others: mock.others }, null, 1));
    if (requests.length === 0) {
      ctx.check(`${id}: the host reached the mock model with our tools`, false, `exit ${run.code}\n${run.err.slice(-1500)}\n${run.out.slice(-800)}`);
      return { requests, run };
    }
    declarationChecks(id, requests, ctx.check);
    resultChecks(id, requests, ctx.check);
    return { requests, run };
  } finally {
    await mock.close();
  }
}
