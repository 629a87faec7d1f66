#!/usr/bin/env node
// The `roughy-mcp` command. Default: the MCP server over stdio (stdout is the protocol, so everything
// human goes to stderr). `roughy-mcp sandbox ...` runs the offline API server on its own instead.

import module from "node:module";
import { parseArgs } from "node:util";
import type { HttpCliValues } from "./http/cli.js";
import { redactText, redactingLogger, redactingTransport, registerSecret } from "./secrets.js";

const HELP = `roughy-mcp: MCP server for the Roughy rough-cut API

Usage:
  roughy-mcp [--allow-dir DIR]... [--toolsets a,b] [--read-only]
                                      run the MCP server over stdio; --toolsets exposes only those groups
                                      (projects,assets,cuts,renders,credits,webhooks,jobs; default all),
                                      --read-only only the tools that change nothing
  roughy-mcp sandbox [options]        run the offline Roughy-compatible API server (see: roughy-mcp sandbox --help)
  roughy-mcp --http [--port N] [--host 127.0.0.1] [--allowed-hosts H,..] [--allowed-origins O,..] [--sandbox]
             [--public-url https://mcp.example.com] [--redis-url redis://host:6379]
                                      MCP over Streamable HTTP (stateless) at /mcp; each request brings its own
                                      Roughy key as Authorization: Bearer. --sandbox: forward to an embedded
                                      sandbox (requests without a key use the sandbox's; for local demos)
  roughy-mcp --help | --version

Environment:
  ROUGHY_API_KEY / ROUGHY_API_KEY_FILE   use the Roughy API; without a key the embedded sandbox is used
  ROUGHY_BASE_URL                        API origin (default https://api.roughy.ai)
  ROUGHY_ALLOWED_DIRS                    directories for local files (path-delimited), used when the
                                         client offers no MCP roots; default: the working directory,
                                         unless it is / or the home directory (then none until named)
  ROUGHY_SANDBOX_DIR                     sandbox data directory
  ROUGHY_TOOLSETS / ROUGHY_READ_ONLY=1   as --toolsets / --read-only
  ROUGHY_ALLOWED_HOSTS / ROUGHY_ALLOWED_ORIGINS   --http: comma-separated Host / Origin values answered
  ROUGHY_OAUTH_SECRET / ROUGHY_PUBLIC_URL         --http: secret sealing OAuth tokens (same on every replica;
                                         generated when unset) / public origin, as --public-url
  ROUGHY_REDIS_URL                       --http: the store replicas share (as --redis-url; unset: memory)
  ROUGHY_RATE_LIMITS / ROUGHY_TRUST_PROXY   --http: e.g. token-ip=300/60,mcp-token=off / proxies in front
`;

const VERSION = "0.1.0";

async function main(argv: string[]): Promise<void> {
  // V8's compile cache (Node >= 22.1; absent on 20): each later start reuses the bytecode of the chunks imported
  // below instead of compiling them again. Called before those imports, so that they are the ones cached.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  // Held for the life of the process: whatever leaves it (messages, logs) is redacted by value.
  registerSecret(process.env.ROUGHY_API_KEY);
  if (argv[0] === "sandbox") {
    const { runSandboxCli } = await import("./sandbox/cli.js");
    await runSandboxCli(argv.slice(1));
    return;
  }
  // The --http flags are typed once, by the HTTP entry that reads them; a type-only import keeps it lazily loaded.
  let values: HttpCliValues & { "allow-dir"?: string[]; help?: boolean; version?: boolean; http?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "allow-dir": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        http: { type: "boolean" },
        port: { type: "string" },
        host: { type: "string" },
        "allowed-hosts": { type: "string" },
        "allowed-origins": { type: "string" },
        "public-url": { type: "string" },
        "redis-url": { type: "string" },
        sandbox: { type: "boolean" },
        toolsets: { type: "string" },
        "read-only": { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`roughy-mcp: ${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  // --help and --version are not protocol sessions, so they may use stdout like any command.
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }

  if (values.http) {
    const { runHttpCli } = await import("./http/cli.js");
    await runHttpCli(values);
    return;
  }

  // zod compiles a parser for each object schema (new Function) on its first parse. A stdio session answers
  // its opening requests once, right after start-up, and that compiling was about a tenth of a host's wait for
  // the server/discover answer; zod's interpreted parsing reads the protocol's small messages just as well.
  // Set before the SDK and the tools build their schemas, which read the setting as they are made.
  (await import("zod")).config({ jitless: true });
  const [{ serveStdio, StdioServerTransport }, { createServer }] = await Promise.all([
    import("@modelcontextprotocol/server/stdio"),
    import("./server/create-server.js"),
  ]);
  const server = createServer({
    allowDirs: values["allow-dir"],
    ...(values.toolsets !== undefined ? { toolsets: values.toolsets } : {}),
    ...(values["read-only"] ? { readOnly: true } : {}),
    logger: redactingLogger((line) => process.stderr.write(`roughy-mcp: ${line}\n`)),
  });
  // Both protocol eras: the opening message (initialize, or a 2026-07-28 request with its _meta envelope)
  // pins the connection's era, and the SDK asks the factory for the instance that serves it.
  const connection = serveStdio((ctx) => server.factory(ctx), {
    // Everything written to stdout goes through one redaction pass (secrets.ts).
    transport: redactingTransport(new StdioServerTransport()),
    onerror: (error) => process.stderr.write(`roughy-mcp: ${redactText(error.message)}\n`),
  });
  const shutdown = async () => {
    await server.close();
    await connection.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  // The client closing stdin ends the session.
  process.stdin.on("end", () => void shutdown());
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`roughy-mcp: ${redactText(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
});
