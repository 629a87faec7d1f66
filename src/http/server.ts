// Remote mode: MCP over Streamable HTTP, stateless, both protocol eras through the SDK's one HTTP entry
// (createMcpHandler): a 2026-07-28 request (its _meta envelope) and a 2025-era request alike get a fresh
// server instance, so any number of instances can sit behind a load balancer with no shared session state. Each request carries its own Roughy key (`Authorization: Bearer`), which is passed through
// to Roughy; nothing of one caller is reachable from another's request. Before any MCP work a request must
// name an allowed Host and Origin (DNS-rebinding protection), carry a key and stay under the body limit.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { createMcpHandler, type AuthInfo } from "@modelcontextprotocol/server";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createServer, type CreateServerOptions } from "../server/create-server.js";
import type { Backend } from "../server/backend.js";
import type { BackendMode } from "../tools/define-tool.js";
import { ClientCache } from "./client-cache.js";
import { noLocalFiles } from "./no-local-files.js";
import { redactResponse, registerSecret } from "../secrets.js";
import { TOOL_LIST } from "../tools/index.js";
import { BodyStalled, BodyTooLarge, HTTP_LIMITS, SERVER_OPTIONS, applyServerLimits, readBody } from "./limits.js";
import { AuthorizationServer } from "./auth/authorization-server.js";
import { TokenSealer } from "./auth/tokens.js";
import { JobSealer } from "../jobs/sealed-job.js";
import { RedisSpentIds, StoreUnavailable, connectRedis, type RedisConnection } from "./store.js";
import { RateLimits, clientIp, opaqueKey, type Limit, type LimitName } from "./rate-limits.js";
import { bearerKey, defaultAllowedHosts, defaultAllowedOrigins, hostAllowed, originAllowed } from "./guard.js";

export const MCP_PATH = "/mcp";
export const DEFAULT_MAX_BODY_BYTES = HTTP_LIMITS.maxBodyBytes;
/** AuthInfo.clientId of a request that brought no key of its own (--sandbox). */
const ANONYMOUS_CLIENT = "roughy-anonymous";

export type HttpServerOptions = {
  host?: string;
  port?: number;
  /** Roughy origin the callers' keys are sent to (ROUGHY_BASE_URL); the client's default when unset. */
  baseUrl?: string;
  /** "sandbox" when baseUrl is the embedded sandbox: its credits are simulated, so nothing asks for cost. */
  mode?: BackendMode;
  /**
   * Only for the embedded sandbox (`--sandbox`, a local demo): the key used for a request that brings none,
   * so that clients without auth support (the conformance suite, an inspector) can try the server.
   */
  anonymousKey?: string;
  /** Host header values answered; default: localhost, 127.0.0.1 and [::1] with the port. */
  allowedHosts?: string[];
  /** Origin header values answered (browsers); default: http:// plus each allowed host. */
  allowedOrigins?: string[];
  maxBodyBytes?: number;
  timeoutMs?: number;
  logger?: (line: string) => void;
  /**
   * The OAuth authorization server for hosts that cannot send a header (on unless `false`). `secret` seals
   * every token (ROUGHY_OAUTH_SECRET; generated when unset, so tokens die with the process and replicas need
   * the same one); `publicUrl` is the origin clients reach (default http://<host>:<port>).
   */
  oauth?: false | { secret?: string; publicUrl?: string };
  /**
   * Redis URL (ROUGHY_REDIS_URL) for what replicas must share: spent codes and refresh tokens, revoked grants,
   * rate-limit counters. Unset: kept in this instance's memory.
   */
  redisUrl?: string;
  /** Overrides of DEFAULT_RATE_LIMITS (ROUGHY_RATE_LIMITS); null turns one off. */
  rateLimits?: Partial<Record<LimitName, Limit>>;
  /** Proxies in front whose X-Forwarded-For entry is believed for per-IP limits (ROUGHY_TRUST_PROXY). */
  trustedProxyHops?: number;
  /** Passed to every per-request server (tests may narrow the tools). */
  serverOptions?: Pick<CreateServerOptions, "tools" | "subscriptionPollMs" | "toolsets" | "readOnly">;
};

export type HttpServerHandle = {
  /** "http://127.0.0.1:PORT/mcp" */
  url: string;
  port: number;
  allowedHosts: string[];
  /** Clients currently cached (one per distinct key seen recently). */
  cachedClients(): number;
  /** The OAuth authorization server, when on. */
  oauth: AuthorizationServer | null;
  /** Whether the OAuth secret was generated (single instance only). */
  oauthSecretGenerated: boolean;
  close(): Promise<void>;
};

type JsonRpcErrorBody = { jsonrpc: "2.0"; error: { code: number; message: string }; id: null };

function rpcError(code: number, message: string): JsonRpcErrorBody {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export async function startHttpServer(options: HttpServerOptions = {}): Promise<HttpServerHandle> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? (() => {});
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const mode: BackendMode = options.mode ?? "remote";
  const clients = new ClientCache({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  const files = noLocalFiles();
  // Filled once listening: the defaults name the actual port.
  let allowedHosts: string[] = [];
  let allowedOrigins: string[] = [];
  let oauth: AuthorizationServer | null = null;
  const oauthSecret = options.oauth === false ? null : (options.oauth?.secret ?? TokenSealer.generateSecret());
  // Remote cut_to_script jobs live in their sealed ids: under the same secret, any replica answers for any job.
  const jobSealer = new JobSealer(oauthSecret ?? TokenSealer.generateSecret());
  // Connected before listening: a store that cannot be reached stops the start rather than every sign-in.
  const redis: RedisConnection | null = options.redisUrl ? await connectRedis(options.redisUrl, logger) : null;
  const limits = new RateLimits(options.rateLimits, redis);

  const handleMcp = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    // Stateless: there is no session to resume (GET) or end (DELETE).
    if (req.method !== "POST") {
      send(res, 405, rpcError(-32000, "Method not allowed: this server is stateless; send JSON-RPC with POST."), { allow: "POST" });
      return;
    }
    const bearer = bearerKey(req.headers.authorization);
    // A bearer value is either one of our OAuth access tokens (carrying the key given at consent) or, for hosts
    // that can send headers, the Roughy key itself.
    let granted: Awaited<ReturnType<AuthorizationServer["verifyAccessToken"]>> = null;
    try {
      granted = bearer && oauth ? await oauth.verifyAccessToken(bearer) : null;
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      // Fail closed: a token whose revocation cannot be checked is not honoured.
      logger(`http: an OAuth token was not checked, the shared store is unavailable (${error.message}).`);
      send(res, 503, rpcError(-32000, "Service unavailable: the server cannot check access tokens right now; retry in 5 s."), { "retry-after": "5" });
      return;
    }
    const challenge = (error?: string) =>
      oauth ? `Bearer ${error ? `error="${error}", ` : ""}resource_metadata="${oauth.resourceMetadataUrl}"` : 'Bearer realm="roughy-mcp"';
    if (granted === "invalid") {
      send(res, 401, rpcError(-32001, "Unauthorized: the access token is expired, revoked or not for this server; refresh it or sign in again."), {
        "www-authenticate": challenge("invalid_token"),
      });
      return;
    }
    const own = granted ? granted.token : bearer;
    const key = own ?? options.anonymousKey ?? null;
    if (!key) {
      send(res, 401, rpcError(-32001, "Unauthorized: sign in through OAuth (see the resource metadata) or send your Roughy API key as Authorization: Bearer <key>."), {
        "www-authenticate": challenge(),
      });
      return;
    }
    // Per token: an OAuth grant (the same across refreshes), a Roughy key (by its hash), or an anonymous
    // --sandbox caller's address.
    const counted = granted ? `grant:${String(granted.extra?.grant)}` : own ? `key:${opaqueKey(own)}` : `ip:${clientIp(req, options.trustedProxyHops ?? 0)}`;
    const wait = await limits.take("mcp-token", counted);
    if (wait !== null) {
      send(res, 429, rpcError(-32000, `Too many requests for this token; retry in ${wait} s.`), { "retry-after": String(wait) });
      return;
    }
    let body: unknown;
    try {
      const raw = await readBody(req, maxBody);
      body = JSON.parse(raw.toString("utf8"));
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The rest of the body is not read: close the connection rather than drain an attacker's upload.
        res.once("finish", () => req.destroy());
        send(res, 413, rpcError(-32600, `Request body too large: the limit is ${maxBody} bytes.`), { connection: "close" });
        return;
      }
      if (error instanceof BodyStalled) {
        res.once("finish", () => req.destroy());
        send(res, 408, rpcError(-32600, `Request body stalled: no data for ${HTTP_LIMITS.bodyIdleMs / 1000} s.`), { connection: "close" });
        return;
      }
      send(res, 400, rpcError(-32700, "Parse error: the body is not valid JSON."));
      return;
    }

    // The key travels to the factory as the request's AuthInfo (the SDK passes it through untouched);
    // clientId says whether the caller brought it or got the --sandbox anonymous key.
    const auth: AuthInfo = { token: key, clientId: own === null ? ANONYMOUS_CLIENT : granted ? granted.clientId : "roughy-api-key", scopes: [] };
    // This caller's key (and the token that carried it) is redacted from everything sent while their request is
    // open. (The --sandbox key an anonymous request borrows is the local demo's, usable by anyone who can reach
    // it: nothing to hide.)
    const releaseKey = registerSecret(own);
    const releaseToken = registerSecret(bearer);
    res.on("close", () => {
      releaseKey();
      releaseToken();
    });
    await nodeHandler(Object.assign(req, { auth }), res, body);
  };

  const mcpHandler = createMcpHandler(
    (ctx) => {
      const client = clients.get(ctx.authInfo?.token ?? "");
      const backend: Backend = {
        mode,
        client: async () => client,
        sandboxUrl: () => null,
        // The client outlives the request (cached by key); closing one request's server leaves it alone.
        close: async () => {},
      };
      // Anonymous callers of a --sandbox server do not get create_webhook: a webhook makes this machine send
      // requests to a URL of the caller's choosing, which from someone unauthenticated is request forgery
      // against local services. Callers who bring the sandbox's key may still register webhooks.
      const anonymous = ctx.authInfo?.clientId === ANONYMOUS_CLIENT;
      const tools = anonymous ? (options.serverOptions?.tools ?? TOOL_LIST).filter((t) => t.name !== "create_webhook") : options.serverOptions?.tools;
      const jobs = { sealer: jobSealer, owner: jobSealer.ownerOf(ctx.authInfo?.token ?? "") };
      return createServer({ ...options.serverOptions, ...(tools ? { tools } : {}), logger, remote: { backend, files, jobs } }).factory(ctx);
    },
    { onerror: (error) => logger(`http: ${error.message}`) },
  );
  // Every answer, JSON or an SSE stream, passes the one redaction pass on its way out.
  const nodeHandler = toNodeHandler(
    { fetch: async (request, requestOptions) => redactResponse(await mcpHandler.fetch(request, requestOptions)) },
    { onerror: (error) => logger(`http: ${error.message}`) },
  );

  const httpServer = http.createServer(SERVER_OPTIONS, (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // Liveness for load balancers, which probe with their own Host header: it reveals nothing.
    if (url.pathname === "/health") {
      send(res, req.method === "GET" || req.method === "HEAD" ? 200 : 405, { ok: true });
      return;
    }
    if (!hostAllowed(req.headers.host, allowedHosts)) {
      send(res, 403, rpcError(-32000, "Forbidden: Host header not allowed (DNS-rebinding protection; see --allowed-hosts)."));
      return;
    }
    if (!originAllowed(req.headers.origin, allowedOrigins)) {
      send(res, 403, rpcError(-32000, "Forbidden: Origin not allowed (see --allowed-origins)."));
      return;
    }
    if (oauth && url.pathname !== MCP_PATH) {
      oauth
        .handle(req, res, url)
        .then((handled) => {
          if (!handled) send(res, 404, rpcError(-32000, `Not found: the MCP endpoint is ${MCP_PATH}.`));
        })
        .catch((error: unknown) => {
          logger(`http: oauth request failed: ${error instanceof Error ? error.message : String(error)}`);
          send(res, error instanceof BodyTooLarge ? 413 : 500, { error: "server_error", error_description: "The request could not be handled." });
        });
      return;
    }
    if (url.pathname !== MCP_PATH) {
      send(res, 404, rpcError(-32000, `Not found: the MCP endpoint is ${MCP_PATH}.`));
      return;
    }
    handleMcp(req, res).catch((error: unknown) => {
      logger(`http: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(res, 500, rpcError(-32603, "Internal server error."));
    });
  });

  applyServerLimits(httpServer);

  // One server built up front, so that a bad setting (an unknown toolset) stops the start, not every request.
  await createServer({ ...options.serverOptions, logger, remote: { backend: { mode, client: () => Promise.reject(new Error("unused")), sandboxUrl: () => null, close: async () => {} }, files } }).close();

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await redis?.close().catch(() => {});
    throw error;
  });
  const port = (httpServer.address() as AddressInfo).port;
  // The public URL's host is the name clients use behind a proxy: allowed by default, like the loopback names,
  // on any port (a proxy forwards the name without the port it listened on).
  const publicHost = options.oauth && options.oauth.publicUrl ? new URL(options.oauth.publicUrl).hostname : null;
  allowedHosts =
    options.allowedHosts && options.allowedHosts.length > 0 ? options.allowedHosts : [...defaultAllowedHosts(host, port), ...(publicHost ? [publicHost] : [])];
  allowedOrigins = options.allowedOrigins && options.allowedOrigins.length > 0 ? options.allowedOrigins : defaultAllowedOrigins(allowedHosts);
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  if (oauthSecret) {
    const issuer = (options.oauth ? options.oauth.publicUrl : undefined) ?? `http://${urlHost}:${port}`;
    // The consent page is served from the public origin and its form posts back to it: a browser sends that
    // Origin, which must pass even when it is not one of the defaults (https, a proxy's port).
    const own = new URL(issuer).origin;
    if (!allowedOrigins.includes(own)) allowedOrigins = [...allowedOrigins, own];
    oauth = new AuthorizationServer({
      issuer,
      mcpPath: MCP_PATH,
      secret: oauthSecret,
      baseUrl: options.baseUrl,
      ...(options.mode === "sandbox" && options.anonymousKey ? { sandboxKey: options.anonymousKey } : {}),
      ...(redis ? { spent: new RedisSpentIds(redis) } : {}),
      limits,
      trustedProxyHops: options.trustedProxyHops ?? 0,
      logger,
    });
  }

  return {
    url: `http://${urlHost}:${port}${MCP_PATH}`,
    port,
    allowedHosts,
    cachedClients: () => clients.size,
    oauth,
    oauthSecretGenerated: options.oauth !== false && !options.oauth?.secret,
    async close() {
      await mcpHandler.close().catch(() => {});
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await clients.close();
      await redis?.close().catch(() => {});
    },
  };
}
