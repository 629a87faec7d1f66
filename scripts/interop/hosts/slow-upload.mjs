// A slow link (issue 11, item 5) through the SDK client that the Inspector, LangChain and Mastra build on,
// with its default 60 s request timeout. The sandbox reads the upload at a rate that makes the fixture's
// bytes take about 75 s: upload_media must answer within its 50 s bound with the bytes still going,
// roughy_wait must follow them to ready without a call timing out, and the bytes the sandbox stored must be
// the file's. The sandbox runs on its own (`roughy-mcp sandbox`) so that its link can be slowed.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const { fetch } = globalThis;

const TRANSFER_SECONDS = 75;

function startSandbox(ctx) {
  const child = spawn(ctx.server.command, [ctx.server.args[0], "sandbox", "--port", "0", "--data-dir", path.join(ctx.work, ".slow-sandbox")], {
    env: { PATH: process.env.PATH ?? "", HOME: ctx.work },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ child, ...JSON.parse(out.split("\n")[0]) });
    });
    child.once("exit", (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
}

export const slowUploadHost = {
  id: "slow-upload",
  packages: ["@modelcontextprotocol/sdk"],
  async run(ctx) {
    const { Client } = await ctx.load("@modelcontextprotocol/sdk/client/index.js");
    const { StdioClientTransport } = await ctx.load("@modelcontextprotocol/sdk/client/stdio.js");
    const sandbox = await startSandbox(ctx);
    const api = (p, init = {}) => fetch(`${sandbox.base_url}${p}`, { ...init, headers: { authorization: `Bearer ${sandbox.api_key}`, ...(init.headers ?? {}) } });
    const bytes = fs.readFileSync(ctx.media);
    const env = { ...ctx.server.env, ROUGHY_API_KEY: sandbox.api_key, ROUGHY_BASE_URL: sandbox.base_url };
    const client = new Client({ name: "interop-slow-upload", version: "0.0.0" });
    try {
      await api("/sandbox/faults", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ path: "/v1/uploads/", method: "PATCH", count: 20, bytes_per_second: Math.ceil(bytes.length / TRANSFER_SECONDS) }),
      });
      await client.connect(new StdioClientTransport({ command: ctx.server.command, args: ctx.server.args, env, cwd: ctx.work, stderr: "ignore" }));
      // No timeout option: the SDK's default (60 s) applies, as in the hosts built on it.
      const up = await client.callTool({ name: "upload_media", arguments: { path: "interview.mp4", confirm_cost: true } }).catch((error) => error);
      const data = up?.structuredContent;
      const assetId = data?.asset?.id;
      const head = assetId ? await api(`/v1/uploads/${assetId}`, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } }) : null;
      const offset = Number(head?.headers.get("upload-offset") ?? NaN);
      ctx.check(
        "slow-upload: upload_media answers before the SDK's 60 s request timeout, the bytes still going (item 5)",
        !(up instanceof Error) && !up.isError && data?.sending && offset < bytes.length && /roughy_wait/.test(data.next_step),
        up instanceof Error ? up.message : JSON.stringify(up).slice(0, 800),
      );
      if (!assetId) return;
      let waited;
      for (let call = 0; call < 10; call++) {
        waited = await client.callTool({ name: "roughy_wait", arguments: { kind: "asset", id: assetId, wait_seconds: 50 } }).catch((error) => error);
        if (waited instanceof Error || waited.isError || waited.structuredContent?.done) break;
      }
      const asset = await (await api(`/v1/assets/${assetId}`)).json();
      const stored = asset.download_url ? Buffer.from(await (await fetch(asset.download_url)).arrayBuffer()) : Buffer.alloc(0);
      const sha = (b) => createHash("sha256").update(b).digest("hex");
      ctx.check(
        "slow-upload: roughy_wait follows the bytes to ready within the timeout; the stored bytes are the file's",
        !(waited instanceof Error) && waited?.structuredContent?.state === "ready" && sha(stored) === sha(bytes),
        waited instanceof Error ? waited.message : `${JSON.stringify(waited?.structuredContent ?? waited).slice(0, 600)}; stored ${stored.length} of ${bytes.length} bytes`,
      );
    } finally {
      await client.close().catch(() => {});
      sandbox.child.kill("SIGTERM");
    }
  },
};
