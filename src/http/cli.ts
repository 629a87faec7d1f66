// `roughy-mcp --http`: starts the Streamable HTTP server (src/http/server.ts) from flags and environment.
// The first line on stdout is one JSON object {"url"} for scripts to read; logs go to stderr.

import { parseList } from "./guard.js";
import { redactingLogger, registerSecret } from "../secrets.js";
import { startHttpServer, type HttpServerOptions } from "./server.js";
import { parseRateLimits } from "./rate-limits.js";

export type HttpCliValues = {
  port?: string;
  host?: string;
  "allowed-hosts"?: string;
  "allowed-origins"?: string;
  sandbox?: boolean;
  toolsets?: string;
  "read-only"?: boolean;
  "public-url"?: string;
  "redis-url"?: string;
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function runHttpCli(values: HttpCliValues, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = redactingLogger((line: string) => process.stderr.write(`roughy-mcp: ${line}\n`));
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}"`);
  const host = values.host ?? "127.0.0.1";
  const timeout = Number(env.ROUGHY_TIMEOUT_MS);
  const redisUrl = (values["redis-url"] ?? env.ROUGHY_REDIS_URL)?.trim() || undefined;
  const trustProxy = env.ROUGHY_TRUST_PROXY?.trim() ? Number(env.ROUGHY_TRUST_PROXY) : 0;
  if (!Number.isInteger(trustProxy) || trustProxy < 0) throw new Error(`ROUGHY_TRUST_PROXY must be the number of proxies in front (0, 1, ...), not "${env.ROUGHY_TRUST_PROXY}"`);
  if (redisUrl) {
    // The store's password may sit in its URL: held for the life of the process, like the OAuth secret.
    try {
      const parsed = new URL(redisUrl);
      registerSecret(decodeURIComponent(parsed.password));
      registerSecret(redisUrl);
    } catch {
      throw new Error("--redis-url / ROUGHY_REDIS_URL must be a URL such as redis://:password@redis:6379");
    }
  }

  const options: HttpServerOptions = {
    host,
    port,
    allowedHosts: parseList(values["allowed-hosts"] ?? env.ROUGHY_ALLOWED_HOSTS),
    allowedOrigins: parseList(values["allowed-origins"] ?? env.ROUGHY_ALLOWED_ORIGINS),
    logger: log,
    oauth: {
      ...(env.ROUGHY_OAUTH_SECRET?.trim() ? { secret: env.ROUGHY_OAUTH_SECRET.trim() } : {}),
      ...((values["public-url"] ?? env.ROUGHY_PUBLIC_URL)?.trim() ? { publicUrl: (values["public-url"] ?? env.ROUGHY_PUBLIC_URL)!.trim() } : {}),
    },
    ...(redisUrl ? { redisUrl } : {}),
    rateLimits: parseRateLimits(env.ROUGHY_RATE_LIMITS),
    trustedProxyHops: trustProxy,
    serverOptions: {
      ...(values.toolsets !== undefined ? { toolsets: values.toolsets } : {}),
      ...(values["read-only"] ? { readOnly: true } : {}),
    },
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
  };

  let closeSandbox: (() => Promise<void>) | null = null;
  if (values.sandbox) {
    const { startSandbox } = await import("../sandbox/index.js");
    const sandbox = await startSandbox({
      host: "127.0.0.1",
      port: 0,
      dataDir: env.ROUGHY_SANDBOX_DIR?.trim() || undefined,
      apiKey: env.ROUGHY_SANDBOX_API_KEY?.trim() || undefined,
      // Remote callers hold no key: the transfer URL upload_media hands them must carry its own authorisation.
      signedUploadUrls: true,
    });
    closeSandbox = () => sandbox.close();
    options.baseUrl = sandbox.baseUrl;
    options.mode = "sandbox";
    options.anonymousKey = sandbox.apiKey;
    if (!LOOPBACK.has(host)) log(`warning: --sandbox on ${host}: anyone who can reach this address can use the sandbox without a key.`);
    log(`embedded sandbox at ${sandbox.baseUrl} (credits are simulated; requests without a key use the sandbox's).`);
  } else {
    options.baseUrl = env.ROUGHY_BASE_URL?.trim() || undefined;
  }

  // Held for the life of the process: no log line or answer may ever carry it.
  registerSecret(env.ROUGHY_OAUTH_SECRET);
  const server = await startHttpServer(options);
  process.stdout.write(JSON.stringify({ url: server.url }) + "\n");
  log(`MCP over Streamable HTTP at ${server.url} (stateless; allowed hosts: ${server.allowedHosts.join(", ")}).`);
  if (server.oauth) log(`OAuth for claude.ai/ChatGPT: resource metadata at ${server.oauth.resourceMetadataUrl}.`);
  log(redisUrl ? "Shared store: Redis (spent codes, refresh rotation, revocations and rate limits are shared by every replica using it)." : "No shared store (--redis-url): spent codes, revocations and rate limits are kept in this instance's memory; fine for one instance.");
  if (server.oauthSecretGenerated) log("ROUGHY_OAUTH_SECRET unset: a random one was generated; OAuth tokens end with this process and only this instance can read them (set it, the same on every replica, to scale out).");

  const shutdown = async () => {
    await server.close().catch(() => {});
    await closeSandbox?.().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}
