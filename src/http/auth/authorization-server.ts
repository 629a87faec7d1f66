// The OAuth 2.1 authorization server that lets hosts which cannot send a header (claude.ai, ChatGPT, the mobile
// apps) connect: metadata (RFC 8414, through the SDK's oauthMetadataResponse, which also serves the RFC 9728
// Protected Resource Metadata), dynamic client registration (RFC 7591, public clients only), authorization code
// with PKCE S256, refresh with rotation, revocation (RFC 7009), every token bound to this server's MCP URL as
// its resource (RFC 8707). The consent page asks for the user's Roughy key once and checks it against
// GET /v1/credits before any code is issued; the key then lives only inside the encrypted tokens (tokens.ts).
// Spent codes, rotated refresh tokens and revoked grants live in a SpentIds store (memory, or Redis shared by
// replicas); each endpoint is rate limited (rate-limits.ts).

import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { oauthMetadataResponse, type AuthInfo } from "@modelcontextprotocol/server";
import { AuthenticationError, RoughyClient } from "../../client/index.js";
import { readBody } from "../limits.js";
import { registerSecret } from "../../secrets.js";
import { TokenSealer, looksSealed } from "./tokens.js";
import { MemorySpentIds, StoreUnavailable, type SpentIds } from "../store.js";
import { RateLimits, clientIp, opaqueKey, type LimitName } from "../rate-limits.js";
import { consentPage, errorPage } from "./consent-page.js";

export const TTL = { request: 600, code: 60, access: 3600, refresh: 30 * 24 * 3600 } as const;
const FORM_LIMIT = 64 * 1024;

export type AuthorizationServerOptions = {
  /** Public origin of this server, e.g. https://mcp.example.com; the MCP endpoint is `${issuer}/mcp`. */
  issuer: string;
  mcpPath: string;
  secret: string;
  /** Roughy origin the consent check goes to. */
  baseUrl?: string;
  /** --sandbox: consent needs no key; this one is sealed into the tokens instead. */
  sandboxKey?: string;
  /** Where spent and revoked ids are kept; in memory (this instance only) when unset. */
  spent?: SpentIds;
  /** Per-endpoint request limits; the defaults in memory when unset. */
  limits?: RateLimits;
  /** Proxies in front whose X-Forwarded-For is believed (for per-IP limits). */
  trustedProxyHops?: number;
  logger?: (line: string) => void;
};

/** Seconds a client is told to wait when the shared store cannot answer. */
const STORE_RETRY_SECONDS = 5;

type Json = Record<string, unknown>;

function sendJson(res: http.ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(text);
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  // The page must not be framed by another site (clickjacking a consent) nor cached.
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(html);
}

function oauthError(res: http.ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

/** A redirect URI a public client may register: https anywhere, http only on loopback (native apps, RFC 8252). */
function redirectUriAllowed(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    if (url.hash) return false;
    if (url.protocol === "https:") return true;
    return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

function sameResource(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/#.*$/, "").replace(/\/$/, "");
  return norm(a) === norm(b);
}

function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

function equalStrings(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AuthorizationServer {
  readonly resource: string;
  readonly resourceMetadataUrl: string;
  private readonly sealer: TokenSealer;
  private readonly spent: SpentIds;
  private readonly limits: RateLimits;
  private readonly metadata;

  constructor(private readonly options: AuthorizationServerOptions) {
    const issuer = options.issuer.replace(/\/$/, "");
    this.resource = `${issuer}${options.mcpPath}`;
    this.resourceMetadataUrl = `${issuer}/.well-known/oauth-protected-resource${options.mcpPath}`;
    this.sealer = new TokenSealer(options.secret);
    this.spent = options.spent ?? new MemorySpentIds();
    this.limits = options.limits ?? new RateLimits();
    this.metadata = {
      resourceServerUrl: new URL(this.resource),
      resourceName: "Roughy rough cuts",
      dangerouslyAllowInsecureIssuerUrl: new URL(issuer).protocol === "http:",
      oauthMetadata: {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        registration_endpoint: `${issuer}/register`,
        revocation_endpoint: `${issuer}/revoke`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["none"],
        revocation_endpoint_auth_methods_supported: ["none"],
        scopes_supported: ["roughy"],
      },
      scopesSupported: ["roughy"],
    };
  }

  /** Answers the request when it is one of the OAuth routes; false otherwise. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname.startsWith("/.well-known/")) {
      // The SDK's handler serves both documents; a path-less PRM URL is answered too, for clients that probe it.
      const path = url.pathname === "/.well-known/oauth-protected-resource" ? `${url.pathname}${this.options.mcpPath}` : url.pathname;
      const answer = oauthMetadataResponse(new Request(new URL(path, this.options.issuer), { method: req.method }), this.metadata);
      if (!answer) return false;
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
      return true;
    }
    try {
      return await this.route(req, res, url);
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      // Fail closed: a code is not redeemed, a refresh not rotated, a revocation not acknowledged unless the
      // shared store recorded it (RFC 7009 names 503 for a revocation that cannot be done now).
      this.options.logger?.(`oauth: ${url.pathname} refused, the shared store is unavailable (${error.message}).`);
      sendJson(res, 503, { error: "temporarily_unavailable", error_description: `The server cannot check its token state right now; retry in ${STORE_RETRY_SECONDS} s.` }, { "retry-after": String(STORE_RETRY_SECONDS) });
      return true;
    }
  }

  /** Counts the request against `name`; answers 429 with Retry-After and returns false when over. */
  async admit(req: http.IncomingMessage, res: http.ServerResponse, name: LimitName, key: string, as: "json" | "html" = "json"): Promise<boolean> {
    const wait = await this.limits.take(name, key);
    if (wait === null) return true;
    const message = `Too many requests (${name.replace("-", " per ")}); retry in ${wait} s.`;
    if (as === "html") {
      res.setHeader("retry-after", String(wait));
      sendHtml(res, 429, errorPage("Too many attempts", message));
    } else sendJson(res, 429, { error: "rate_limited", error_description: message }, { "retry-after": String(wait) });
    return false;
  }

  /** The caller's address for per-IP limits. */
  ip(req: http.IncomingMessage): string {
    return clientIp(req, this.options.trustedProxyHops ?? 0);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "POST /register":
        await this.register(req, res);
        return true;
      case "GET /authorize":
        await this.authorizePage(res, url.searchParams);
        return true;
      case "POST /authorize":
        await this.consent(req, res);
        return true;
      case "POST /token":
        await this.token(req, res);
        return true;
      case "POST /revoke":
        await this.revoke(req, res);
        return true;
      default:
        return false;
    }
  }

  /**
   * The caller's Roughy key when `bearer` is one of our live access tokens for this resource; null when it is
   * not one of ours (then it is treated as a Roughy key itself); "invalid" when it is ours but expired,
   * revoked, forged or for another resource. Throws StoreUnavailable when revocation cannot be checked.
   * `extra.grant` names the grant (stable across refreshes), for per-token limits.
   */
  async verifyAccessToken(bearer: string): Promise<AuthInfo | "invalid" | null> {
    if (!looksSealed(bearer)) return null;
    const claims = await this.sealer.open(bearer, "access");
    if (!claims || typeof claims.k !== "string" || typeof claims.aud !== "string") return "invalid";
    if (!sameResource(claims.aud, this.resource)) return "invalid";
    if (await this.spent.anySpent([claims.jti, String(claims.fam)])) return "invalid";
    return { token: claims.k, clientId: String(claims.cid), scopes: ["roughy"], expiresAt: claims.exp, resource: new URL(claims.aud), extra: { grant: String(claims.fam) } };
  }

  private async readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
    return new URLSearchParams((await readBody(req, FORM_LIMIT)).toString("utf8"));
  }

  private async register(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!(await this.admit(req, res, "register-ip", this.ip(req)))) return;
    let body: Json;
    try {
      body = JSON.parse((await readBody(req, FORM_LIMIT)).toString("utf8")) as Json;
    } catch {
      oauthError(res, 400, "invalid_client_metadata", "The body must be a JSON client metadata document (RFC 7591).");
      return;
    }
    const uris = body.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0 || uris.length > 10 || !uris.every(redirectUriAllowed)) {
      oauthError(res, 400, "invalid_redirect_uri", "redirect_uris must list 1 to 10 absolute https URIs (http only on localhost/127.0.0.1), without fragments.");
      return;
    }
    const method = body.token_endpoint_auth_method ?? "none";
    if (method !== "none") {
      oauthError(res, 400, "invalid_client_metadata", 'Only public clients are registered: token_endpoint_auth_method must be "none" (PKCE protects the code).');
      return;
    }
    const name = typeof body.client_name === "string" ? body.client_name.slice(0, 200) : undefined;
    // The registration is the client id itself (sealed), so every replica knows every client without a store.
    const clientId = await this.sealer.seal("client", { ru: uris, name }, 10 * 365 * 24 * 3600);
    sendJson(res, 201, {
      client_id: clientId,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      redirect_uris: uris,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      ...(name ? { client_name: name } : {}),
    });
  }

  private async authorizePage(res: http.ServerResponse, q: URLSearchParams): Promise<void> {
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    const client = await this.sealer.open(clientId, "client");
    // Without a known client and one of its exact redirect URIs nothing may be redirected anywhere (RFC 6749 4.1.2.1).
    if (!client) {
      sendHtml(res, 400, errorPage("Unknown client", "This client_id was not issued by this server. Register the client again (POST /register)."));
      return;
    }
    if (!(client.ru as string[]).includes(redirectUri)) {
      sendHtml(res, 400, errorPage("Redirect URI not registered", "redirect_uri must be exactly one of the URIs this client registered."));
      return;
    }
    const state = q.get("state");
    const back = (error: string, description: string) => {
      const to = new URL(redirectUri);
      to.searchParams.set("error", error);
      to.searchParams.set("error_description", description);
      if (state !== null) to.searchParams.set("state", state);
      to.searchParams.set("iss", this.metadata.oauthMetadata.issuer);
      res.writeHead(302, { location: to.toString(), "cache-control": "no-store" });
      res.end();
    };
    if (q.get("response_type") !== "code") return back("unsupported_response_type", "response_type must be code.");
    const challenge = q.get("code_challenge");
    if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back("invalid_request", "code_challenge is required (PKCE, S256: base64url of SHA-256, 43 characters).");
    if (q.get("code_challenge_method") !== "S256") return back("invalid_request", "code_challenge_method must be S256.");
    const resource = q.get("resource") ?? this.resource;
    if (!sameResource(resource, this.resource)) return back("invalid_target", `resource must be this server's MCP URL, ${this.resource}.`);
    const request = await this.sealer.seal("request", { cid: clientId, ru: redirectUri, cc: challenge, st: state, res: this.resource, sc: q.get("scope") }, TTL.request);
    sendHtml(res, 200, consentPage({ request, clientName: typeof client.name === "string" ? client.name : null, redirectHost: new URL(redirectUri).host, needsKey: !this.options.sandboxKey }));
  }

  private async consent(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Each attempt tries a Roughy key: the per-IP limit slows guessing before anything is read.
    if (!(await this.admit(req, res, "consent-ip", this.ip(req), "html"))) return;
    const form = await this.readForm(req);
    const request = await this.sealer.open(form.get("request") ?? "", "request");
    if (!request) {
      sendHtml(res, 400, errorPage("Request expired", "This sign-in page has expired. Start the connection again from your MCP client."));
      return;
    }
    if (!(await this.admit(req, res, "consent-client", opaqueKey(String(request.cid)), "html"))) return;
    let key = this.options.sandboxKey ?? form.get("roughy_key")?.trim() ?? "";
    const release = registerSecret(key);
    try {
      const retry = (status: number, message: string) =>
        sendHtml(res, status, consentPage({ request: form.get("request")!, clientName: null, redirectHost: new URL(String(request.ru)).host, needsKey: true, error: message }));
      if (!key) return retry(400, "Enter your Roughy API key.");
      if (!this.options.sandboxKey) {
        try {
          await new RoughyClient({ apiKey: key, baseUrl: this.options.baseUrl, userAgent: "roughy-mcp (oauth consent)" }).credits.get();
        } catch (error) {
          key = "";
          return retry(error instanceof AuthenticationError ? 401 : 502, error instanceof AuthenticationError ? "Roughy refused this key. Copy your API key from the Roughy dashboard and try again." : "Roughy could not be reached to check the key. Try again in a moment.");
        }
      }
      const code = await this.sealer.seal("code", { cid: request.cid, ru: request.ru, cc: request.cc, res: request.res, k: key }, TTL.code);
      const to = new URL(String(request.ru));
      to.searchParams.set("code", code);
      if (typeof request.st === "string") to.searchParams.set("state", request.st);
      to.searchParams.set("iss", this.metadata.oauthMetadata.issuer);
      res.writeHead(302, { location: to.toString(), "cache-control": "no-store" });
      res.end();
    } finally {
      release();
    }
  }

  private async issue(res: http.ServerResponse, cid: string, key: string, fam: string): Promise<void> {
    const access = await this.sealer.seal("access", { cid, k: key, aud: this.resource, fam }, TTL.access);
    const refresh = await this.sealer.seal("refresh", { cid, k: key, aud: this.resource, fam }, TTL.refresh);
    sendJson(res, 200, { access_token: access, token_type: "Bearer", expires_in: TTL.access, refresh_token: refresh, scope: "roughy" });
  }

  private async token(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!(await this.admit(req, res, "token-ip", this.ip(req)))) return;
    const form = await this.readForm(req);
    const grant = form.get("grant_type");
    const clientId = form.get("client_id") ?? "";
    if (!(await this.admit(req, res, "token-client", opaqueKey(clientId)))) return;
    if (!(await this.sealer.open(clientId, "client"))) return oauthError(res, 401, "invalid_client", "client_id is missing or was not issued by this server; register again.");
    const resource = form.get("resource");
    if (resource !== null && !sameResource(resource, this.resource)) return oauthError(res, 400, "invalid_target", `resource must be ${this.resource}.`);
    if (grant === "authorization_code") {
      const verifier = form.get("code_verifier");
      if (!verifier) return oauthError(res, 400, "invalid_request", "code_verifier is required (PKCE).");
      const code = await this.sealer.open(form.get("code") ?? "", "code");
      if (!code || code.cid !== clientId) return oauthError(res, 400, "invalid_grant", "The code is invalid, expired or was issued to another client.");
      if (code.ru !== form.get("redirect_uri")) return oauthError(res, 400, "invalid_grant", "redirect_uri must be the one used in the authorization request.");
      if (!equalStrings(s256(verifier), String(code.cc))) return oauthError(res, 400, "invalid_grant", "code_verifier does not match the code_challenge.");
      if (!(await this.spent.spend(code.jti, code.exp))) return oauthError(res, 400, "invalid_grant", "The code was already used.");
      return this.issue(res, clientId, String(code.k), randomUUID());
    }
    if (grant === "refresh_token") {
      const refresh = await this.sealer.open(form.get("refresh_token") ?? "", "refresh");
      if (!refresh || refresh.cid !== clientId || (await this.spent.anySpent([String(refresh.fam)]))) return oauthError(res, 400, "invalid_grant", "The refresh token is invalid, expired, revoked or was issued to another client.");
      // Rotation (OAuth 2.1 for public clients): a refresh token works once; presenting a used one revokes its family.
      if (!(await this.spent.spend(refresh.jti, refresh.exp))) {
        await this.spent.spend(String(refresh.fam), refresh.exp);
        return oauthError(res, 400, "invalid_grant", "The refresh token was already used; sign in again.");
      }
      return this.issue(res, clientId, String(refresh.k), String(refresh.fam));
    }
    oauthError(res, 400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
  }

  private async revoke(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!(await this.admit(req, res, "token-ip", this.ip(req)))) return;
    const form = await this.readForm(req);
    const token = form.get("token") ?? "";
    // RFC 7009: an unknown token is not an error; revoking either token ends the whole grant (its family).
    const claims = (await this.sealer.open(token, "refresh")) ?? (await this.sealer.open(token, "access"));
    if (claims) await this.spent.spend(String(claims.fam), Math.floor(Date.now() / 1000) + TTL.refresh);
    res.writeHead(200, { "cache-control": "no-store" });
    res.end();
  }
}
