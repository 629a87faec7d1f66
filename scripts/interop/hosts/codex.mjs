// Codex CLI non-interactively (`codex exec`), with a config.toml in a private CODEX_HOME that defines a model
// provider at the mock (Responses API) and the server under [mcp_servers.roughy].

import fs from "node:fs";
import path from "node:path";
import { PROMPT, runCliHost } from "./cli-common.mjs";

const toml = (v) => JSON.stringify(v);

export const codexHost = {
  id: "codex",
  cli: true,
  packages: ["@openai/codex"],
  async run(ctx) {
    await runCliHost(ctx, {
      id: "codex",
      // Codex may start the first turn before the MCP server has listed its tools: a read of its own
      // resource list lets the mock wait for the turn that has them.
      warmup: (tools) => (tools.some((t) => t.name === "list_mcp_resources") ? { call: { name: "list_mcp_resources", args: {} } } : null),
      launch: ({ mockUrl, home }) => {
        const codexHome = path.join(home, ".codex");
        fs.mkdirSync(codexHome, { recursive: true });
        const env = Object.entries(ctx.server.env).map(([k, v]) => `${k} = ${toml(v)}`).join(", ");
        fs.writeFileSync(
          path.join(codexHome, "config.toml"),
          [
            `model = "mock-model"`,
            `model_provider = "mock"`,
            `approval_policy = "never"`,
            `sandbox_mode = "workspace-write"`,
            `check_for_update_on_startup = false`,
            // Plugins sync a catalogue from the network at start-up; this suite talks to 127.0.0.1 only.
            `[features]`,
            `plugins = false`,
            `[analytics]`,
            `enabled = false`,
            `[model_providers.mock]`,
            `name = "mock"`,
            `base_url = ${toml(`${mockUrl}/v1`)}`,
            `env_key = "MOCK_API_KEY"`,
            `wire_api = "responses"`,
            `[mcp_servers.roughy]`,
            `command = ${toml(ctx.server.command)}`,
            `args = ${toml(ctx.server.args)}`,
            `env = { ${env} }`,
            `startup_timeout_sec = 60`,
            `tool_timeout_sec = 120`,
            // exec runs with approval_policy never, which refuses every MCP call that is not read-only unless the
            // server's tools are approved up front.
            `default_tools_approval_mode = "approve"`,
            "",
          ].join("\n"),
        );
        return {
          command: path.join(ctx.clis, "node_modules/.bin/codex"),
          args: ["exec", "--skip-git-repo-check", PROMPT],
          env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: codexHome, MOCK_API_KEY: "sk-interop-mock", RUST_LOG: process.env.INTEROP_RUST_LOG ?? "warn" },
        };
      },
    });
  },
};
