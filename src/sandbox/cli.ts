// `roughy-mcp sandbox [--port N] [--host H] [--data-dir DIR] [--api-key KEY] [--balance N]`: runs the sandbox
// standalone. The first line on stdout is one JSON object {"base_url", "api_key"} for scripts to read; logs go
// to stderr; SIGINT/SIGTERM close it cleanly (ffmpeg children, streams, database).
import { parseArgs } from "node:util";
import { stderrLogger } from "./app.js";
import { startSandbox } from "./index.js";

const USAGE = "usage: roughy-mcp sandbox [--port N] [--host 127.0.0.1] [--data-dir DIR] [--api-key KEY] [--balance N]";

export async function runSandboxCli(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "api-key": { type: "string" },
        balance: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  const balance = values.balance === undefined ? undefined : Number(values.balance);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (balance !== undefined && !(Number.isInteger(balance) && balance >= 0))) {
    process.stderr.write(`--port must be 0..65535 and --balance a whole number >= 0\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const sandbox = await startSandbox({
    port,
    host: values.host ?? "127.0.0.1",
    dataDir: values["data-dir"],
    apiKey: values["api-key"] ?? process.env.ROUGHY_SANDBOX_API_KEY,
    startingBalance: balance,
    logger: stderrLogger,
  });
  process.stdout.write(JSON.stringify({ base_url: sandbox.baseUrl, api_key: sandbox.apiKey }) + "\n");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(JSON.stringify({ level: "info", msg: "sandbox stopping", signal }) + "\n");
      void sandbox.close().then(resolve, resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
