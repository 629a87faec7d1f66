// The Inspector CLI: no model, one process per request, exactly as its README shows. What "reached the
// model" is the printed result, so the flow's id reading and the protocol-level checks run on it.

import { spawn } from "node:child_process";
import path from "node:path";
import { makeAgent } from "../flow.mjs";

function inspector(ctx, method, extra = []) {
  const bin = path.join(ctx.libs, "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
  const args = [bin, "--cli", ...serverEnvArgs(ctx), ctx.server.command, ...ctx.server.args, "--method", method, ...extra];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ctx.work, env: ctx.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      let json = null;
      try {
        json = JSON.parse(out);
      } catch {
        // not JSON: an error message
      }
      resolve({ code, out, err, json });
    });
  });
}

function serverEnvArgs(ctx) {
  return Object.entries(ctx.server.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
}

export const inspectorHost = {
  id: "inspector-cli",
  packages: ["@modelcontextprotocol/inspector"],
  async run(ctx) {
    const listed = await inspector(ctx, "tools/list");
    const tools = listed.json?.tools ?? [];
    ctx.check("inspector-cli: tools/list", tools.length > 0, listed.err || listed.out);
    const bytes = Buffer.byteLength(JSON.stringify(listed.json ?? {}));
    const withOutput = tools.filter((t) => t.outputSchema).length;
    ctx.check(`inspector-cli: tools/list at most 14 KB with output schemas (item 12): ${bytes} B, ${withOutput}/${tools.length} with outputSchema`, bytes <= 14 * 1024 && withOutput === tools.length, `${bytes} bytes`);

    const prompts = await inspector(ctx, "prompts/list");
    const names = (prompts.json?.prompts ?? []).map((p) => p.name);
    ctx.check("inspector-cli: prompts for the conversational jobs (item 11)", names.length >= 2, prompts.json ? `prompts: ${names.join(", ") || "none"}` : prompts.err || prompts.out);

    const agent = makeAgent({ media: ctx.media, script: ctx.script, saveDir: ctx.work });
    const results = [];
    for (let turn = 0; turn < 30; turn++) {
      const decision = agent({ tools: tools.map((t) => ({ name: t.name })), results });
      if (!decision.call) {
        ctx.check("inspector-cli: whole session (credits, estimate, upload, wait, cut, export, render, download, credits)", /^DONE/.test(decision.text), decision.text);
        break;
      }
      const r = await inspector(ctx, "tools/call", ["--tool-name", decision.call.name, "--tool-args-json", JSON.stringify(decision.call.args)]);
      const text = r.json ? JSON.stringify(r.json) : `${r.out}\n${r.err}`;
      results.push({ name: decision.call.name, text, error: r.json?.isError === true || r.code !== 0 });
    }
    const first = results[0];
    ctx.check("inspector-cli: undeclared argument and null ignored (item 1)", first && !first.error, first?.text.slice(0, 300));
  },
};
