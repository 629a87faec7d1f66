// Background work on the wire: a render canceled mid-way stops (and stays canceled), work in flight when the
// sandbox closed resumes on the next start, deleting a project cascades, and the CLI prints its one JSON line.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectEnvelope, type Harness, makeMedia, start, tempDir, until, uploadAsset } from "./harness.js";

const open: Harness[] = [];
afterAll(async () => {
  for (const h of open) await h.sb.close();
});

describe("sandbox lifecycle", () => {
  it("cancels a processing render, and a canceled render cannot be canceled again", async () => {
    const h = await start();
    open.push(h);
    const asset = await uploadAsset(h, makeMedia("long"));
    await h.req("POST", "/sandbox/credits", { balance: 100 });
    const render = (await h.req("POST", "/v1/renders", { asset_id: asset.id, output: "mp3" })).json;
    expect(render).toMatchObject({ state: "pending", cut_id: null, progress: 0, download_url: null });
    await until(async () => ((await h.req("GET", `/v1/renders/${render.id}`)).json.state === "processing" ? true : undefined));
    const canceled = await h.req("POST", `/v1/renders/${render.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.json.state).toBe("canceled");
    await h.sb.idle();
    expect((await h.req("GET", `/v1/renders/${render.id}`)).json).toMatchObject({ state: "canceled", download_url: null });
    expectEnvelope(await h.req("POST", `/v1/renders/${render.id}/cancel`), 409, "conflict");
    expect(fs.readdirSync(path.join(h.dataDir, "renders"))).toEqual([]);
  });

  it("resumes in-flight work after a restart, and a project delete removes everything under it", async () => {
    const dataDir = `${tempDir()}/data`;
    const first = await start({ dataDir });
    const asset = await uploadAsset(first, makeMedia("av"));
    // Held in processing, so the close certainly interrupts it (unheld, a fast machine could finish it first).
    expect((await first.req("POST", "/sandbox/holds", { renders: true })).status).toBe(200);
    const render = (await first.req("POST", "/v1/renders", { asset_id: asset.id, output: "m4a" })).json;
    await until(async () => ((await first.req("GET", `/v1/renders/${render.id}`)).json.state === "processing" ? true : undefined));
    const last = (await first.req("GET", `/v1/renders/${render.id}`)).json;
    expect(last).toMatchObject({ state: "processing", download_url: null });
    expect(last.progress).toBeLessThan(100);
    await first.sb.close();
    // Unfinished when the sandbox closed: no output file was written.
    expect(fs.readdirSync(path.join(dataDir, "renders")).filter((name) => name.startsWith(render.id))).toEqual([]);
    const second = await start({ dataDir });
    open.push(second);
    await second.sb.idle();
    const done = (await second.req("GET", `/v1/renders/${render.id}`)).json;
    expect(done).toMatchObject({ state: "completed", progress: 100 });
    expect((await fetch(done.download_url)).status).toBe(200);

    expect((await second.req("DELETE", `/v1/projects/${asset.project_id}`)).status).toBe(204);
    expectEnvelope(await second.req("GET", `/v1/assets/${asset.id}`), 404, "not_found");
    expectEnvelope(await second.req("GET", `/v1/renders/${render.id}`), 404, "not_found");
    expect(fs.readdirSync(path.join(dataDir, "renders"))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, "uploads"))).toEqual([]);
  });

  it("the CLI prints one JSON line with base_url and api_key, serves, and exits cleanly on SIGTERM", async () => {
    const dataDir = `${tempDir()}/data`;
    const code = `import("./src/sandbox/cli.ts").then((m) => m.runSandboxCli(process.argv.slice(1)))`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", code, "--", "--data-dir", dataDir, "--balance", "7", "--api-key", "sk_sandbox_cli"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    const line = await until(async () => (out.includes("\n") ? out.split("\n")[0] : undefined));
    const info = JSON.parse(line as string) as { base_url: string; api_key: string };
    expect(info.api_key).toBe("sk_sandbox_cli");
    const credits = await fetch(`${info.base_url}/v1/credits`, { headers: { authorization: `Bearer ${info.api_key}` } });
    expect(await credits.json()).toEqual({ balance: 7, currency: "credits" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out.trim().split("\n")).toHaveLength(1);
  });
});
