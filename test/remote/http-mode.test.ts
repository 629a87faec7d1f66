// Remote mode end to end: the Streamable HTTP server in-process, SDK clients over HTTP with their own keys,
// test sandboxes as Roughy. Covers the HTTP gate (401, 403, 405, 413, /health), per-key isolation of two
// users, and upload_media's remote answer run for real from "the user's machine".

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { FIXTURE_M4A, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";
import { connectRemote, dataOf, INIT_BODY, MCP_HEADERS, rawRequest, startKeyRouter } from "./helpers.js";

const run = promisify(execFile);

describe("remote mode: the HTTP gate", () => {
  let sb: TestSandbox;
  let server: HttpServerHandle;

  beforeAll(async () => {
    sb = await startTestSandbox();
    server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl });
  });
  afterAll(async () => {
    await server?.close();
    await sb?.close();
  });

  it("initializes, lists tools and calls one with the caller's key", async () => {
    const c = await connectRemote(server.url, sb.sandbox.apiKey);
    try {
      const tools = await c.client.listTools();
      expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["upload_media", "get_credits", "roughy_list"]));
      await sb.control("POST", "/sandbox/credits", { balance: 77 });
      const credits = dataOf<{ balance: number }>(await c.call("get_credits", { ledger_limit: 0 }));
      expect(credits.balance).toBe(77);
    } finally {
      await c.close();
    }
  });

  it("answers 401 with WWW-Authenticate and a JSON-RPC error when no key is sent", async () => {
    const res = await rawRequest(server.url, { headers: { ...MCP_HEADERS, host: `127.0.0.1:${server.port}` }, body: INIT_BODY });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    const body = JSON.parse(res.body) as { jsonrpc: string; error: { message: string } };
    expect(body.jsonrpc).toBe("2.0");
    expect(body.error.message).toMatch(/Authorization: Bearer/);
    await expect(connectRemote(server.url, null)).rejects.toThrow();
  });

  it("refuses a foreign Host or Origin with 403 and accepts the loopback ones", async () => {
    const key = { authorization: `Bearer ${sb.sandbox.apiKey}` };
    const evilHost = await rawRequest(server.url, { headers: { ...MCP_HEADERS, ...key, host: `evil.example:${server.port}` }, body: INIT_BODY });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await rawRequest(server.url, {
      headers: { ...MCP_HEADERS, ...key, host: `localhost:${server.port}`, origin: "http://evil.example" },
      body: INIT_BODY,
    });
    expect(evilOrigin.status).toBe(403);
    const good = await rawRequest(server.url, {
      headers: { ...MCP_HEADERS, ...key, host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` },
      body: INIT_BODY,
    });
    expect(good.status).toBe(200);
    expect(good.body).toContain('"serverInfo"');
  });

  it("answers 413 to a body over the limit, 405 to GET and DELETE, and /health", async () => {
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${sb.sandbox.apiKey}`, host: `127.0.0.1:${server.port}` };
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(2 * 1024 * 1024) } });
    const tooLarge = await rawRequest(server.url, { headers, body: big });
    expect(tooLarge.status).toBe(413);
    // Same without a Content-Length (chunked): the limit is counted while reading.
    const { "content-type": _ct, ...chunkedHeaders } = headers;
    const chunked = await rawRequest(server.url, { headers: { ...chunkedHeaders, "content-type": "application/json", "transfer-encoding": "chunked" }, body: big });
    expect(chunked.status).toBe(413);
    expect((await rawRequest(server.url, { method: "GET", headers })).status).toBe(405);
    expect((await rawRequest(server.url, { method: "DELETE", headers })).status).toBe(405);
    const health = await rawRequest(server.url.replace(/\/mcp$/, "/health"), { method: "GET" });
    expect(health.status).toBe(200);
  });

  it("refuses tools that would touch the server's disk, saying what to do instead", async () => {
    const c = await connectRemote(server.url, sb.sandbox.apiKey);
    try {
      const estimate = await c.call("estimate_cost", { path: "/etc/hostname" });
      expect(estimate.isError).toBe(true);
      expect(textOf(estimate)).toMatch(/runs remotely .* cannot read or write files on your machine/);
      const job = await c.call("cut_to_script", { file_path: "/etc/hostname", confirm_cost: true });
      expect(job.isError).toBe(true);
      expect(textOf(job)).toMatch(/^file_path: this roughy-mcp server runs remotely/);
      const download = await c.call("download_render", { render_id: "00000000-0000-4000-8000-000000000000", save_to: "/tmp/x.mp4" });
      expect(download.isError).toBe(true);
      expect(textOf(download)).toMatch(/^save_to: this roughy-mcp server runs remotely/);
      const noSize = await c.call("upload_media", { path: "/home/me/interview.mp4" });
      expect(noSize.isError).toBe(true);
      expect(textOf(noSize)).toMatch(/size_bytes/);
    } finally {
      await c.close();
    }
  });

  it("upload_media answers with the asset, its TUS URL and a command that uploads it; running the command makes it ready", async () => {
    const c = await connectRemote(server.url, sb.sandbox.apiKey);
    try {
      const size = (await stat(FIXTURE_M4A)).size;
      // Remote Roughy: the cost must be confirmed first.
      const unconfirmed = await c.call("upload_media", { path: FIXTURE_M4A, size_bytes: size, duration_seconds: 50 });
      expect(unconfirmed.isError).toBe(true);
      expect(textOf(unconfirmed)).toMatch(/confirm_cost/);

      const up = await c.call("upload_media", { path: FIXTURE_M4A, size_bytes: size, duration_seconds: 50, confirm_cost: true, project_name: "remote" });
      const data = dataOf<{ asset: { id: string; state: string }; upload_url: string; upload_command: string; credits: number }>(up);
      expect(data.asset.state).toBe("pending_upload");
      expect(data.credits).toBe(1);
      expect(data.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(data.upload_command).toContain("$ROUGHY_API_KEY");
      expect(data.upload_command).toContain(data.upload_url);
      const answer = JSON.stringify(up);
      expect(answer).not.toContain(sb.sandbox.apiKey);

      if (existsSync("/usr/bin/curl") || existsSync("/bin/curl")) {
        // The command as the user would run it, with the key only in their environment.
        await run("sh", ["-c", data.upload_command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ROUGHY_API_KEY: sb.sandbox.apiKey } });
      } else {
        const { request } = await import("undici");
        const { readFile } = await import("node:fs/promises");
        const res = await request(data.upload_url, {
          method: "PATCH",
          headers: {
            authorization: `Bearer ${sb.sandbox.apiKey}`,
            "tus-resumable": "1.0.0",
            "upload-offset": "0",
            "content-type": "application/offset+octet-stream",
          },
          body: await readFile(FIXTURE_M4A),
        });
        await res.body.dump();
        expect(res.statusCode).toBe(204);
      }
      const waited = dataOf<{ state: string }>(await c.call("roughy_wait", { kind: "asset", id: data.asset.id, wait_seconds: 50 }));
      expect(waited.state).toBe("ready");
    } finally {
      await c.close();
    }
  });
});

describe("remote mode: read-only", () => {
  it("serves only the read-only tools and refuses the others by name", async () => {
    const sb = await startTestSandbox();
    const server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, serverOptions: { readOnly: true } });
    try {
      const c = await connectRemote(server.url, sb.sandbox.apiKey);
      try {
        const names = (await c.client.listTools()).tools.map((t) => t.name);
        expect(names).toContain("roughy_list");
        expect(names).not.toContain("upload_media");
        const refused = await c.call("create_project", { name: "x" });
        expect(refused.isError).toBe(true);
        expect(dataOf<{ total: number }>(await c.call("roughy_list", { kind: "projects" })).total).toBe(0);
      } finally {
        await c.close();
      }
    } finally {
      await server.close();
      await sb.close();
    }
  });
});

describe("remote mode: two users, two keys", () => {
  let a: TestSandbox;
  let b: TestSandbox;
  let router: { baseUrl: string; close(): Promise<void> };
  let server: HttpServerHandle;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestSandbox(), startTestSandbox()]);
    router = await startKeyRouter([
      { key: a.sandbox.apiKey, baseUrl: a.sandbox.baseUrl },
      { key: b.sandbox.apiKey, baseUrl: b.sandbox.baseUrl },
    ]);
    server = await startHttpServer({ port: 0, baseUrl: router.baseUrl });
  });
  afterAll(async () => {
    await server?.close();
    await router?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it("sends each caller's key to Roughy: data never crosses, and an unknown key is refused", async () => {
    const [ua, ub] = await Promise.all([connectRemote(server.url, a.sandbox.apiKey), connectRemote(server.url, b.sandbox.apiKey)]);
    try {
      // Interleaved and concurrent, so that a shared or mixed-up client would show.
      await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => ua.call("create_project", { name: `alpha-${i}` })),
        ...Array.from({ length: 5 }, (_, i) => ub.call("create_project", { name: `beta-${i}` })),
      ]).then((results) => results.forEach((r) => dataOf(r)));
      const [listA, listB] = await Promise.all([ua.call("roughy_list", { kind: "projects", limit: 100 }), ub.call("roughy_list", { kind: "projects", limit: 100 })]);
      const namesA = dataOf<{ items: { name: string }[] }>(listA).items.map((p) => p.name).sort();
      const namesB = dataOf<{ items: { name: string }[] }>(listB).items.map((p) => p.name).sort();
      expect(namesA).toEqual(["alpha-0", "alpha-1", "alpha-2", "alpha-3", "alpha-4"]);
      expect(namesB).toEqual(["beta-0", "beta-1", "beta-2", "beta-3", "beta-4"]);
      expect(server.cachedClients()).toBe(2);

      const stranger = "sk_sandbox_not_a_real_key_0123456789";
      const uc = await connectRemote(server.url, stranger);
      try {
        const refused = await uc.call("roughy_list", { kind: "projects" });
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(/key|auth/i);
        expect(JSON.stringify(refused)).not.toContain(stranger);
      } finally {
        await uc.close();
      }
    } finally {
      await Promise.all([ua.close(), ub.close()]);
    }
  });
});
