// The OAuth flow a host like claude.ai runs, driven by the SDK client's own OAuth support against the HTTP
// mode and a real sandbox: discovery (RFC 9728, RFC 8414), registration, consent with a Roughy key checked
// against the sandbox, token, a tool call with it, refresh, revocation; then the refusals the specs require.

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/client";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { TokenSealer } from "../../src/http/auth/tokens.js";
import { startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";
import { INIT_BODY, MCP_HEADERS, rawRequest, startRoundRobinProxy } from "./helpers.js";

const SECRET = "test-secret-that-is-long-enough-0123456789";
const REDIRECT = "http://127.0.0.1:9/callback";

type Tokens = { access_token: string; refresh_token?: string; token_type: string };

/** An in-memory provider, as a host keeps per user; it records where the SDK sends the browser. */
function memoryProvider() {
  const store: { client?: { client_id: string }; tokens?: Tokens; verifier?: string; authUrl?: URL } = {};
  const provider: OAuthClientProvider = {
    redirectUrl: REDIRECT,
    clientMetadata: { client_name: "oauth test host", redirect_uris: [REDIRECT], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" },
    clientInformation: () => store.client,
    saveClientInformation: (info) => void (store.client = info as { client_id: string }),
    tokens: () => store.tokens,
    saveTokens: (tokens) => void (store.tokens = tokens as Tokens),
    redirectToAuthorization: (url) => void (store.authUrl = url),
    saveCodeVerifier: (v) => void (store.verifier = v),
    codeVerifier: () => store.verifier!,
  };
  return { provider, store };
}

/** The consent page's sealed request field. */
function requestField(html: string): string {
  const match = /name="request" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no consent form in: ${html.slice(0, 300)}`);
  return match[1]!;
}

async function consent(url: URL, key: string): Promise<{ status: number; location: string | undefined; body: string }> {
  const page = await rawRequest(url.toString(), { method: "GET" });
  expect(page.status).toBe(200);
  const origin = `${url.protocol}//${url.host}`;
  const res = await rawRequest(`${origin}/authorize`, {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request: requestField(page.body), roughy_key: key }).toString(),
  });
  return { status: res.status, location: res.headers.location, body: res.body };
}

async function form(url: string, fields: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await rawRequest(url, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

/** The whole interactive flow through the SDK client; returns the provider's store once tokens are saved. */
async function signIn(mcpUrl: string, key: string) {
  const { provider, store } = memoryProvider();
  const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  await expect(new Client({ name: "t", version: "0" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(store.client?.client_id).toBeTruthy();
  const answer = await consent(store.authUrl!, key);
  expect(answer.status).toBe(302);
  const code = new URL(answer.location!).searchParams.get("code")!;
  await first.finishAuth(code);
  expect(store.tokens?.access_token).toBeTruthy();
  return { provider, store };
}

async function callCredits(mcpUrl: string, provider: OAuthClientProvider) {
  const client = new Client({ name: "t", version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  try {
    return await client.callTool({ name: "get_credits", arguments: {} });
  } finally {
    await client.close();
  }
}

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
    const initWith = (token: string) => rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INIT_BODY });
    expect((await initWith(fresh)).status).toBe(200);
    // Rotation with reuse detection: the used refresh token is refused, and its whole grant ends with it.
    const again = await form(`${origin}/token`, { grant_type: "refresh_token", refresh_token: store.tokens!.refresh_token!, client_id: clientId });
    expect(again).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
    expect((await initWith(fresh)).status).toBe(401);

    // Revocation (RFC 7009) of a second grant's refresh token ends its access token too.
    const second = await signIn(server.url, sb.sandbox.apiKey);
    const access = second.store.tokens!.access_token;
    expect((await initWith(access)).status).toBe(200);
    expect((await form(`${origin}/revoke`, { token: second.store.tokens!.refresh_token!, client_id: second.store.client!.client_id })).status).toBe(200);
    const revoked = await initWith(access);
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
  let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>>;
  let proxyUrl: string;

  beforeAll(async () => {
    sb = await startTestSandbox();
    // The proxy's port is the public one; the instances must know it before they start (issuer, resource).
    proxy = await startRoundRobinProxy();
    proxyUrl = `${proxy.url}/mcp`;
    for (let i = 0; i < 2; i++) {
      const server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, allowedHosts: ["127.0.0.1"], oauth: { secret: SECRET, publicUrl: proxy.url } });
      servers.push(server);
      proxy.targets.push(server.port);
    }
  });
  afterAll(async () => {
    await proxy?.close();
    for (const s of servers) await s.close();
    await sb?.close();
  });

  it("completes the flow and a tool call with requests alternating between the instances", async () => {
    const { provider } = await signIn(proxyUrl, sb.sandbox.apiKey);
    const result = await callCredits(proxyUrl, provider);
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toMatch(/balance/);
    expect(proxy.hits[0]).toBeGreaterThan(2);
    expect(proxy.hits[1]).toBeGreaterThan(2);
  });
});
