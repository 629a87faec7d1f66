// The OAuth flow a host like claude.ai runs, driven by the SDK client's own OAuth support against the HTTP
// mode and a real sandbox: discovery (RFC 9728, RFC 8414), registration, consent with a Roughy key checked
// against the sandbox, token, a tool call with it, refresh, revocation; then the refusals the specs require.

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { TokenSealer } from "../../src/http/auth/tokens.js";
import { startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";
import { INIT_BODY, MCP_HEADERS, rawRequest } from "./helpers.js";
import { REDIRECT, SECRET, callCredits, consent, form, initWith, memoryProvider, register, requestField, signIn, startRoundRobin } from "./oauth-helpers.js";

describe("OAuth in HTTP mode", () => {
  let sb: TestSandbox;
  let server: HttpServerHandle;
  let origin: string;

  beforeAll(async () => {
    sb = await startTestSandbox();
    server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, oauth: { secret: SECRET } });
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.close();
    await sb?.close();
  });

  it("answers a request without a token 401 with the resource metadata pointer, and serves that metadata", async () => {
    const res = await rawRequest(server.url, { headers: MCP_HEADERS, body: INIT_BODY });
    expect(res.status).toBe(401);
    const pointer = /resource_metadata="([^"]+)"/.exec(String(res.headers["www-authenticate"]))?.[1];
    expect(pointer).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
    const prm = JSON.parse((await rawRequest(pointer!, { method: "GET" })).body) as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toBe(server.url);
    const as = JSON.parse((await rawRequest(`${prm.authorization_servers[0]!.replace(/\/$/, "")}/.well-known/oauth-authorization-server`, { method: "GET" })).body) as Record<string, unknown>;
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
    expect(as.registration_endpoint).toBe(`${origin}/register`);
  });

  it("runs registration, consent with the key, token, a tool call, refresh and revocation through the SDK client", async () => {
    const { provider, store } = await signIn(server.url, sb.sandbox.apiKey);
    // The key given at consent is not in any token in clear.
    expect(JSON.stringify(store.tokens)).not.toContain(sb.sandbox.apiKey);
    const result = await callCredits(server.url, provider);
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toMatch(/balance/);

    const clientId = store.client!.client_id;
    const refreshed = await form(`${origin}/token`, { grant_type: "refresh_token", refresh_token: store.tokens!.refresh_token!, client_id: clientId });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).not.toBe(store.tokens!.access_token);
    const fresh = String(refreshed.json.access_token);
    expect((await initWith(server.url, fresh)).status).toBe(200);
    // Rotation with reuse detection: the used refresh token is refused, and its whole grant ends with it.
    const again = await form(`${origin}/token`, { grant_type: "refresh_token", refresh_token: store.tokens!.refresh_token!, client_id: clientId });
    expect(again).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
    expect((await initWith(server.url, fresh)).status).toBe(401);

    // Revocation (RFC 7009) of a second grant's refresh token ends its access token too.
    const second = await signIn(server.url, sb.sandbox.apiKey);
    const access = second.store.tokens!.access_token;
    expect((await initWith(server.url, access)).status).toBe(200);
    expect((await form(`${origin}/revoke`, { token: second.store.tokens!.refresh_token!, client_id: second.store.client!.client_id })).status).toBe(200);
    const revoked = await initWith(server.url, access);
    expect(revoked.status).toBe(401);
    expect(revoked.headers["www-authenticate"]).toMatch(/error="invalid_token".*resource_metadata="/);
  });

  it("refuses a wrong key at consent, without redirecting", async () => {
    const { provider, store } = memoryProvider();
    await expect(new Client({ name: "t", version: "0" }).connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    const answer = await consent(store.authUrl!, "rk_wrong_key_0123456789abcdef");
    expect(answer.status).toBe(401);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toContain("Roughy refused this key");
    expect(answer.body).not.toContain("rk_wrong_key_0123456789abcdef");
  });

  it("answers an expired token and a token for another resource 401 with the metadata pointer", async () => {
    const sealer = new TokenSealer(SECRET);
    const expired = await sealer.seal("access", { cid: "c", k: sb.sandbox.apiKey, aud: server.url, fam: "f1" }, -10);
    const elsewhere = await sealer.seal("access", { cid: "c", k: sb.sandbox.apiKey, aud: "https://other.example/mcp", fam: "f2" }, 600);
    for (const token of [expired, elsewhere]) {
      const res = await rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INIT_BODY });
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toContain(`resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`);
    }
  });

  it("lets the SDK client refresh an expired access token by itself and carry on", async () => {
    const { provider, store } = await signIn(server.url, sb.sandbox.apiKey);
    const firstRefresh = store.tokens!.refresh_token;
    // The access token the host holds has expired; its refresh token is still good.
    store.tokens = { ...store.tokens!, access_token: await new TokenSealer(SECRET).seal("access", { cid: store.client!.client_id, k: sb.sandbox.apiKey, aud: server.url, fam: "expired" }, -10) };
    const result = await callCredits(server.url, provider);
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toMatch(/balance/);
    expect(store.tokens!.refresh_token).toBeTruthy();
    expect(store.tokens!.refresh_token).not.toBe(firstRefresh);
    expect((await initWith(server.url, store.tokens!.access_token)).status).toBe(200);
  });

  it("still takes a Roughy key as the bearer for hosts that send headers", async () => {
    const res = await rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${sb.sandbox.apiKey}` }, body: INIT_BODY });
    expect(res.status).toBe(200);
  });

  describe("bad input, each refused with the spec's error", () => {
    let clientId: string;
    const verifier = "dBjftJeZ4CVP-mJ92K9cfe7MCGP3vJs-KwZKq2Ic7hc";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const authorizeUrl = (extra: Record<string, string>) =>
      `${origin}/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: "S256", state: "s1", resource: server.url, ...extra })}`;

    beforeAll(async () => {
      const res = await rawRequest(`${origin}/register`, { headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: [REDIRECT], client_name: "bad input" }) });
      expect(res.status).toBe(201);
      clientId = (JSON.parse(res.body) as { client_id: string }).client_id;
    });

    it("refuses registering a non-https, non-loopback redirect URI", async () => {
      const res = await rawRequest(`${origin}/register`, { headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: ["http://evil.example/cb"] }) });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_redirect_uri" });
    });

    it("does not redirect to an unregistered redirect URI", async () => {
      const res = await rawRequest(authorizeUrl({ redirect_uri: "http://127.0.0.1:9/elsewhere" }), { method: "GET" });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });

    it("refuses an authorization request without PKCE or with plain", async () => {
      for (const extra of [{ code_challenge: "" }, { code_challenge_method: "plain" }] as Record<string, string>[]) {
        const res = await rawRequest(authorizeUrl(extra), { method: "GET" });
        expect(res.status).toBe(302);
        const back = new URL(res.headers.location!);
        expect(back.searchParams.get("error")).toBe("invalid_request");
        expect(back.searchParams.get("state")).toBe("s1");
      }
    });

    it("refuses registering a confidential client", async () => {
      const res = await rawRequest(`${origin}/register`, { headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: "client_secret_basic" }) });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_client_metadata" });
    });

    it("refuses a code or a refresh token presented by another client, an unknown client and an unknown grant type", async () => {
      const answer = await consent(new URL(authorizeUrl({})), sb.sandbox.apiKey);
      const code = new URL(answer.location!).searchParams.get("code")!;
      const other = (JSON.parse((await register(origin)).body) as { client_id: string }).client_id;
      const redeem = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier };
      expect(await form(`${origin}/token`, { ...redeem, client_id: other })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
      expect(await form(`${origin}/token`, { ...redeem, client_id: "not-a-client" })).toMatchObject({ status: 401, json: { error: "invalid_client" } });
      const tokens = await form(`${origin}/token`, { ...redeem, client_id: clientId });
      expect(tokens.status).toBe(200);
      const refresh = String(tokens.json.refresh_token);
      expect(await form(`${origin}/token`, { grant_type: "refresh_token", refresh_token: refresh, client_id: other })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
      expect(await form(`${origin}/token`, { grant_type: "password", username: "u", password: "p", client_id: clientId })).toMatchObject({ status: 400, json: { error: "unsupported_grant_type" } });
      // The refused presentations spent nothing: the rightful client's refresh still works.
      expect((await form(`${origin}/token`, { grant_type: "refresh_token", refresh_token: refresh, client_id: clientId })).status).toBe(200);
    });

    it("refuses an authorization request for another resource", async () => {
      const res = await rawRequest(authorizeUrl({ resource: "https://other.example/mcp" }), { method: "GET" });
      expect(new URL(res.headers.location!).searchParams.get("error")).toBe("invalid_target");
    });

    it("refuses a token request without the verifier, with a wrong one, for another resource, and a replayed code", async () => {
      const answer = await consent(new URL(authorizeUrl({})), sb.sandbox.apiKey);
      const code = new URL(answer.location!).searchParams.get("code")!;
      const base = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: clientId };
      expect(await form(`${origin}/token`, base)).toMatchObject({ status: 400, json: { error: "invalid_request" } });
      expect(await form(`${origin}/token`, { ...base, code_verifier: "x".repeat(43) })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
      expect(await form(`${origin}/token`, { ...base, code_verifier: verifier, resource: "https://other.example/mcp" })).toMatchObject({ status: 400, json: { error: "invalid_target" } });
      expect(await form(`${origin}/token`, { ...base, code_verifier: verifier, redirect_uri: "http://127.0.0.1:9/elsewhere" })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
      expect(await form(`${origin}/token`, { ...base, code_verifier: verifier, resource: server.url })).toMatchObject({ status: 200, json: { token_type: "Bearer" } });
      expect(await form(`${origin}/token`, { ...base, code_verifier: verifier })).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
    });
  });
});

describe("OAuth with --sandbox", () => {
  it("issues a code at consent without asking for a key", async () => {
    const sb = await startTestSandbox();
    const server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, mode: "sandbox", anonymousKey: sb.sandbox.apiKey, oauth: { secret: SECRET } });
    try {
      const origin = new URL(server.url).origin;
      const reg = await rawRequest(`${origin}/register`, { headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: [REDIRECT] }) });
      const clientId = (JSON.parse(reg.body) as { client_id: string }).client_id;
      const challenge = createHash("sha256").update("v".repeat(43)).digest("base64url");
      const page = await rawRequest(`${origin}/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: "S256" })}`, { method: "GET" });
      expect(page.body).not.toContain('name="roughy_key"');
      const res = await rawRequest(`${origin}/authorize`, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ request: requestField(page.body) }).toString() });
      expect(res.status).toBe(302);
      const code = new URL(res.headers.location!).searchParams.get("code")!;
      const token = await form(`${origin}/token`, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: "v".repeat(43) });
      expect(token.status).toBe(200);
      expect((await rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${String(token.json.access_token)}` }, body: INIT_BODY })).status).toBe(200);
    } finally {
      await server.close();
      await sb.close();
    }
  });
});

describe("OAuth across two instances behind a round-robin proxy", () => {
  let sb: TestSandbox;
  const servers: HttpServerHandle[] = [];
  let proxy: Awaited<ReturnType<typeof startRoundRobin>>;

  beforeAll(async () => {
    sb = await startTestSandbox();
    // The proxy's port is the public one; the instances must know it before they start (issuer, resource).
    proxy = await startRoundRobin();
    for (let i = 0; i < 2; i++) {
      servers.push(await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, oauth: { secret: SECRET, publicUrl: proxy.publicUrl } }));
    }
    proxy.route(servers.map((s) => s.port));
  });
  afterAll(async () => {
    await proxy?.close();
    for (const s of servers) await s.close();
    await sb?.close();
  });

  it("completes the flow and a tool call with requests alternating between the instances", async () => {
    const { provider } = await signIn(`${proxy.publicUrl}/mcp`, sb.sandbox.apiKey);
    const result = await callCredits(`${proxy.publicUrl}/mcp`, provider);
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toMatch(/balance/);
    expect(proxy.hits[0]).toBeGreaterThan(2);
    expect(proxy.hits[1]).toBeGreaterThan(2);
  });
});

describe("OAuth rate limits on one instance (in memory)", () => {
  let sb: TestSandbox;
  let server: HttpServerHandle;
  let origin: string;

  beforeAll(async () => {
    sb = await startTestSandbox();
    const low = { points: 2, seconds: 3600 };
    server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, oauth: { secret: SECRET }, rateLimits: { "register-ip": low, "consent-ip": low, "token-client": low, "mcp-token": low } });
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.close();
    await sb?.close();
  });

  it("answers registration, the consent form, the token endpoint and MCP requests 429 with Retry-After past their limit", async () => {
    const clientId = (JSON.parse((await register(origin)).body) as { client_id: string }).client_id;
    expect((await register(origin)).status).toBe(201);
    const third = await register(origin);
    expect(third.status).toBe(429);
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(third.body)).toMatchObject({ error: "rate_limited" });

    const bogusConsent = () => rawRequest(`${origin}/authorize`, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "request=expired" });
    expect((await bogusConsent()).status).toBe(400);
    expect((await bogusConsent()).status).toBe(400);
    const blocked = await bogusConsent();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.body).toContain("Too many attempts");

    const bogusToken = (client: string) => form(`${origin}/token`, { grant_type: "authorization_code", code: "x", code_verifier: "v".repeat(43), redirect_uri: REDIRECT, client_id: client });
    expect((await bogusToken(clientId)).status).toBe(400);
    expect((await bogusToken(clientId)).status).toBe(400);
    const limited = await bogusToken(clientId);
    expect(limited).toMatchObject({ status: 429, json: { error: "rate_limited" } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Counted per client: another client id is not held back by this one's count.
    expect((await bogusToken("another-client")).status).toBe(401);

    expect((await initWith(server.url, sb.sandbox.apiKey)).status).toBe(200);
    expect((await initWith(server.url, sb.sandbox.apiKey)).status).toBe(200);
    const over = await initWith(server.url, sb.sandbox.apiKey);
    expect(over.status).toBe(429);
    expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(over.body)).toMatchObject({ jsonrpc: "2.0", error: { message: expect.stringMatching(/Too many requests/) } });
    // Per token: another caller's key is counted apart.
    expect((await initWith(server.url, "rk_another_caller_0123456789abcdef")).status).toBe(200);
  });
});
