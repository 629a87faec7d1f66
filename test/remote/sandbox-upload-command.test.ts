// `roughy-mcp --http --sandbox` (the built CLI) and a remote caller with no key: the upload_command that
// upload_media returns runs as given (bash, no ROUGHY_API_KEY anywhere), the asset reaches ready, and the bytes
// the sandbox stored are the file's. The transfer URL is the credential: it names one asset and expires, and no
// key (the sandbox's included) is in the answer.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_M4A, textOf } from "../helpers/mcp-harness.js";
import { connectRemote, dataOf } from "./helpers.js";

const CLI = path.resolve("dist/cli.js");
const run = promisify(execFile);
let child: ChildProcess;
let url: string;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "roughy-http-sandbox-upload-"));
  child = spawn(process.execPath, [CLI, "--http", "--port", "0", "--sandbox"], {
    env: { PATH: process.env.PATH, HOME: work, ROUGHY_SANDBOX_DIR: path.join(work, "sb") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0]!) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
  await rm(work, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("--http --sandbox: upload_media's command for a caller without a key", () => {
  it("runs as given, the asset becomes ready, and the stored bytes are the file's", async () => {
    const media = path.join(work, "talk.m4a");
    await copyFile(FIXTURE_M4A, media);
    const size = (await stat(media)).size;
    const sandboxKey = (await readFile(path.join(work, "sb", "api-key"), "utf8")).trim();
    const c = await connectRemote(url, null);
    try {
      const up = await c.call("upload_media", { path: media, size_bytes: size });
      const data = dataOf<{ asset: { id: string; state: string }; upload_url: string; upload_command: string }>(up);
      expect(data.asset.state).toBe("pending_upload");
      expect(data.upload_command).not.toContain("ROUGHY_API_KEY");
      expect(data.upload_command).toContain(data.upload_url);
      expect(JSON.stringify(up)).not.toContain(sandboxKey);

      // The link is this asset's: without its signature, moved to another asset, or to end the upload, it is refused.
      const signed = new URL(data.upload_url);
      const head = (u: string, method = "HEAD") => fetch(u, { method, headers: { "Tus-Resumable": "1.0.0" } });
      expect((await head(`${signed.origin}${signed.pathname}`)).status).toBe(401);
      expect((await head(`${signed.origin}/v1/uploads/00000000-0000-4000-8000-000000000000${signed.search}`)).status).toBe(401);
      const later = new URL(signed);
      later.searchParams.set("expires", String(Number(signed.searchParams.get("expires")) + 3600));
      expect((await head(later.toString())).status).toBe(401);
      expect((await head(data.upload_url, "DELETE")).status).toBe(401);

      // Exactly as returned, through bash, with nothing but PATH in the environment.
      await run("bash", ["-c", data.upload_command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });

      let state = "";
      for (let i = 0; state !== "ready" && i < 20; i++) {
        const waited = await c.call("roughy_wait", { kind: "asset", id: data.asset.id, wait_seconds: 50 });
        state = dataOf<{ state: string; done: boolean }>(waited).state;
        if (dataOf<{ done: boolean }>(waited).done) break;
      }
      expect(state).toBe("ready");
      const got = await c.call("roughy_get", { kind: "asset", id: data.asset.id, include_download_url: true });
      const downloadUrl = dataOf<{ item: { download_url: string } }>(got).item.download_url;
      expect(downloadUrl, textOf(got)).toMatch(/^http/);
      const stored = new Uint8Array(await (await fetch(downloadUrl)).arrayBuffer());
      expect(sha256(stored)).toBe(sha256(await readFile(media)));
    } finally {
      await c.close();
    }
  });
});
