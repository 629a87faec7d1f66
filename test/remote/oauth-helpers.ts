// The pieces of an OAuth host the remote tests play: the SDK client's provider kept in memory, the consent form
// filled in as a user would, form posts to the token endpoint, and a round-robin proxy in front of replicas.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/client";
import { INIT_BODY, MCP_HEADERS, rawRequest, type RawResponse } from "./helpers.js";

export const SECRET = "test-secret-that-is-long-enough-0123456789";
export const REDIRECT = "http://127.0.0.1:9/callback";

export type Tokens = { access_token: string; refresh_token?: string; token_type: string };

/** An in-memory provider, as a host keeps per user; it records where the SDK sends the browser. */
export function memoryProvider() {
  const store: { client?: { client_id: string }; tokens?: Tokens; verifier?: string; authUrl?: URL; discovery?: unknown } = {};
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
    saveDiscoveryState: (state) => void (store.discovery = state),
    discoveryState: () => store.discovery as ReturnType<NonNullable<OAuthClientProvider["discoveryState"]>>,
  };
  return { provider, store };
}

/** The consent page's sealed request field. */
export function requestField(html: string): string {
  const match = /name="request" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no consent form in: ${html.slice(0, 300)}`);
  return match[1]!;
}

/** Opens the consent page at `url` and submits it with `key`, posting to `postOrigin` (default: the page's). */
export async function consent(url: URL, key: string, postOrigin?: string): Promise<{ status: number; location: string | undefined; body: string; headers: http.IncomingHttpHeaders }> {
  const page = await rawRequest(url.toString(), { method: "GET" });
  expect(page.status).toBe(200);
  const origin = postOrigin ?? `${url.protocol}//${url.host}`;
  // A browser names the page's origin on a form post.
  const res = await rawRequest(`${origin}/authorize`, {
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `${url.protocol}//${url.host}` },
    body: new URLSearchParams({ request: requestField(page.body), roughy_key: key }).toString(),
  });
  return { status: res.status, location: res.headers.location, body: res.body, headers: res.headers };
}

export async function form(url: string, fields: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: http.IncomingHttpHeaders }> {
  const res = await rawRequest(url, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {}, headers: res.headers };
}

export function register(origin: string, redirectUris: string[] = [REDIRECT]): Promise<RawResponse> {
  return rawRequest(`${origin}/register`, { headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: redirectUris, client_name: "test host" }) });
}

/** An MCP initialize with `token` as the bearer. */
export function initWith(mcpUrl: string, token: string): Promise<RawResponse> {
  return rawRequest(mcpUrl, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INIT_BODY });
}

/** The whole interactive flow through the SDK client; returns the provider's store once tokens are saved. */
export async function signIn(mcpUrl: string, key: string) {
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

export async function callCredits(mcpUrl: string, provider: OAuthClientProvider) {
  const client = new Client({ name: "t", version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  try {
    return await client.callTool({ name: "get_credits", arguments: {} });
  } finally {
    await client.close();
  }
}

/**
 * A loopback proxy that sends each request to the next backend in turn. Listening before the backends start,
 * so that they can be told its origin (their issuer and resource); `hits` counts requests per backend.
 */
export async function startRoundRobin(): Promise<{ publicUrl: string; hits: number[]; route(ports: number[]): void; close(): Promise<void> }> {
  const proxy = http.createServer();
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  let ports: number[] = [];
  const hits: number[] = [];
  let next = 0;
  proxy.on("request", (req, res) => {
    const target = next;
    next = (next + 1) % ports.length;
    hits[target] = (hits[target] ?? 0) + 1;
    const upstream = http.request({ host: "127.0.0.1", port: ports[target], method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  return {
    publicUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    hits,
    route(to) {
      ports = to;
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}
