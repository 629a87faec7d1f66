// Two instances of the HTTP mode behind a round-robin proxy, sharing a real redis-server: what one instance
// spends or revokes, the other refuses; rate limits count across both; with Redis down, security state fails
// closed (503, a clear log line, no secret in it) and nothing is spent, so the same code works once it is back.
// Each cross-instance check addresses instance A and B directly, so which one answers is not left to the
// proxy's turn. Without the store (each instance in memory), every one of these checks would pass on B.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";
import { REDIRECT, SECRET, callCredits, consent, form, initWith, register, signIn, startRoundRobin } from "./oauth-helpers.js";
import { HAVE_REDIS, startTestRedis, type TestRedis } from "./redis-server.js";

const VERIFIER = "replica-verifier-0123456789-abcdefghijklmnopq";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

type Instance = { server: HttpServerHandle; origin: string; logs: string[] };

async function startInstance(sandboxUrl: string, publicUrl: string, redisUrl: string, extra: Parameters<typeof startHttpServer>[0] = {}): Promise<Instance> {
  const logs: string[] = [];
  const server = await startHttpServer({ port: 0, baseUrl: sandboxUrl, oauth: { secret: SECRET, publicUrl }, redisUrl, logger: (line) => logs.push(line), ...extra });
  return { server, origin: `http://127.0.0.1:${server.port}`, logs };
}

describe.skipIf(!HAVE_REDIS)("OAuth replicas sharing Redis (skipped: redis-server is not installed; apt-get install redis-server)", () => {
  let sb: TestSandbox;
  let redis: TestRedis;
  let proxy: Awaited<ReturnType<typeof startRoundRobin>>;
  let a: Instance;
  let b: Instance;
  let clientId: string;

  /** A fresh code from the consent (through the proxy, as a browser reaches it), for this suite's client. */
  async function freshCode(): Promise<string> {
    const url = new URL(`${proxy.publicUrl}/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: REDIRECT, code_challenge: CHALLENGE, code_challenge_method: "S256", resource: `${proxy.publicUrl}/mcp` })}`);
    const answer = await consent(url, sb.sandbox.apiKey);
    expect(answer.status).toBe(302);
    return new URL(answer.location!).searchParams.get("code")!;
  }
  const redeem = (at: Instance, code: string) => form(`${at.origin}/token`, { grant_type: "authorization_code", code, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id: clientId });
  const refresh = (at: Instance, token: string) => form(`${at.origin}/token`, { grant_type: "refresh_token", refresh_token: token, client_id: clientId });
  const mcpAt = (at: Instance) => `${at.origin}/mcp`;

  beforeAll(async () => {
    [sb, redis, proxy] = await Promise.all([startTestSandbox(), startTestRedis(), startRoundRobin()]);
    a = await startInstance(sb.sandbox.baseUrl, proxy.publicUrl, redis.url);
    b = await startInstance(sb.sandbox.baseUrl, proxy.publicUrl, redis.url);
    proxy.route([a.server.port, b.server.port]);
    const reg = await register(a.origin);
    expect(reg.status).toBe(201);
    clientId = (JSON.parse(reg.body) as { client_id: string }).client_id;
  });
  afterAll(async () => {
    await proxy?.close();
    await a?.server.close();
    await b?.server.close();
    await redis?.close();
    await sb?.close();
  });

  it("completes the SDK client's flow and a tool call through the proxy, requests alternating", async () => {
    const { provider } = await signIn(`${proxy.publicUrl}/mcp`, sb.sandbox.apiKey);
    const result = await callCredits(`${proxy.publicUrl}/mcp`, provider);
    expect(result.isError).toBeFalsy();
    expect(proxy.hits[0]).toBeGreaterThan(2);
    expect(proxy.hits[1]).toBeGreaterThan(2);
  });

  it("refuses on B a code already redeemed on A (invalid_grant)", async () => {
    const code = await freshCode();
    expect((await redeem(a, code)).status).toBe(200);
    const replay = await redeem(b, code);
    expect(replay).toMatchObject({ status: 400, json: { error: "invalid_grant", error_description: expect.stringMatching(/already used/) } });
  });

  it("applies the reuse rule across instances: a refresh token used on A and presented again on B ends the grant everywhere", async () => {
    const first = await redeem(b, await freshCode());
    expect(first.status).toBe(200);
    const rotated = await refresh(a, String(first.json.refresh_token));
    expect(rotated.status).toBe(200);
    expect((await initWith(mcpAt(b), String(rotated.json.access_token))).status).toBe(200);

    const reused = await refresh(b, String(first.json.refresh_token));
    expect(reused).toMatchObject({ status: 400, json: { error: "invalid_grant", error_description: expect.stringMatching(/already used/) } });
    // The whole grant ended: the rotated pair is refused by both instances.
    expect(await refresh(a, String(rotated.json.refresh_token))).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
    for (const at of [a, b]) {
      const res = await initWith(mcpAt(at), String(rotated.json.access_token));
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/error="invalid_token"/);
    }
  });

  it("refuses on B a token revoked on A", async () => {
    const tokens = await redeem(a, await freshCode());
    const access = String(tokens.json.access_token);
    expect((await initWith(mcpAt(b), access)).status).toBe(200);
    expect((await form(`${a.origin}/revoke`, { token: access, client_id: clientId })).status).toBe(200);
    const res = await initWith(mcpAt(b), access);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toContain(`resource_metadata="${proxy.publicUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(await refresh(b, String(tokens.json.refresh_token))).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
  });

  it("counts rate limits across both instances", async () => {
    // A second pair on its own Redis database, so that its low limits touch none of the tests above.
    const limits = { "register-ip": { points: 4, seconds: 3600 }, "mcp-token": { points: 4, seconds: 3600 } };
    const c = await startInstance(sb.sandbox.baseUrl, proxy.publicUrl, `${redis.url}/1`, { rateLimits: limits });
    const d = await startInstance(sb.sandbox.baseUrl, proxy.publicUrl, `${redis.url}/1`, { rateLimits: limits });
    try {
      // Two on each instance: each has seen only two, but together they reached the limit.
      for (const at of [c, d, c, d]) expect((await register(at.origin)).status).toBe(201);
      for (const at of [c, d]) {
        const res = await register(at.origin);
        expect(res.status).toBe(429);
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      }
      for (const at of [c, d, c, d]) expect((await initWith(mcpAt(at), sb.sandbox.apiKey)).status).toBe(200);
      for (const at of [c, d]) {
        const res = await initWith(mcpAt(at), sb.sandbox.apiKey);
        expect(res.status).toBe(429);
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      }
    } finally {
      await c.server.close();
      await d.server.close();
    }
  });

  it("fails closed while Redis is down, with a clear log line and no secret in it, and spends nothing", async () => {
    const code = await freshCode();
    const tokens = await redeem(a, await freshCode());
    const access = String(tokens.json.access_token);
    await redis.stop();
    try {
      const refused = await redeem(b, code);
      expect(refused).toMatchObject({ status: 503, json: { error: "temporarily_unavailable" } });
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      const revoke = await form(`${b.origin}/revoke`, { token: access, client_id: clientId });
      expect(revoke.status).toBe(503);
      const mcp = await initWith(mcpAt(b), access);
      expect(mcp.status).toBe(503);
      expect(Number(mcp.headers["retry-after"])).toBeGreaterThan(0);
      // A Roughy key needs no shared state: it still works (its rate limit counts in memory meanwhile).
      expect((await initWith(mcpAt(b), sb.sandbox.apiKey)).status).toBe(200);
    } finally {
      await redis.start();
    }
    const logs = b.logs.join("\n");
    expect(logs).toMatch(/shared store is unavailable/);
    for (const secret of [code, access, String(tokens.json.refresh_token), sb.sandbox.apiKey, SECRET]) expect(logs).not.toContain(secret);

    // Once Redis answers again (the client reconnects on its own), the refused code was not spent.
    let after = await redeem(b, code);
    for (let tries = 0; after.status === 503 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await redeem(b, code);
    }
    expect(after.status).toBe(200);
  });

  it("refuses to start when the store cannot be reached, without showing its password", async () => {
    const password = "store-password-that-must-not-show-0123";
    const start = startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, oauth: { secret: SECRET }, redisUrl: `redis://:${password}@127.0.0.1:1` });
    const error = await start.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/Could not connect to the store at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(error?.message).not.toContain(password);
  });
});

describe.skipIf(!HAVE_REDIS)("roughy-mcp --http --redis-url (the built CLI)", () => {
  const password = "cli-store-password-0123456789abcdef";
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis(password);
  });
  afterAll(async () => {
    await redis?.close();
  });

  /** Runs the CLI until it prints its URL (then stops it) or exits; returns what it wrote. */
  function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [path.resolve("dist/cli.js"), "--http", "--port", "0", ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
      if (stdout.includes("\n")) child.kill("SIGTERM");
    });
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  }

  it("starts with the shared store, says so, and never writes the store's password", async () => {
    const out = await run(["--redis-url", redis.url], { ROUGHY_OAUTH_SECRET: SECRET });
    expect(out.stdout).toMatch(/"url":"http:\/\/127\.0\.0\.1:\d+\/mcp"/);
    expect(out.stderr).toContain("Shared store: Redis");
    expect(out.stdout + out.stderr).not.toContain(password);
  });

  it("stops the start on a wrong password or a bad ROUGHY_RATE_LIMITS, saying what to fix", async () => {
    const wrong = await run([], { ROUGHY_REDIS_URL: redis.url.replace(password, "not-the-password-0123456789abcdef") });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Could not connect to the store at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*--redis-url/);
    expect(wrong.stderr).not.toContain("not-the-password-0123456789abcdef");
    const limits = await run([], { ROUGHY_RATE_LIMITS: "token=5" });
    expect(limits.code).not.toBe(0);
    expect(limits.stderr).toMatch(/ROUGHY_RATE_LIMITS: "token=5" is not name=points\/seconds/);
  });
});
