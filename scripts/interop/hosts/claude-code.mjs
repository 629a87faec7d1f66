// Claude Code in print mode (`claude -p`), its model API pointed at the mock (ANTHROPIC_BASE_URL), the
// server from an --mcp-config file only (--strict-mcp-config), and a private HOME so no user setting leaks in.

import fs from "node:fs";
import path from "node:path";
import { PROMPT, runCliHost } from "./cli-common.mjs";

export const claudeCodeHost = {
  id: "claude-code",
  cli: true,
  packages: ["@anthropic-ai/claude-code"],
  async run(ctx) {
    await runCliHost(ctx, {
      id: "claude-code",
      launch: ({ mockUrl, home }) => {
        const config = path.join(home, "mcp.json");
        fs.writeFileSync(config, JSON.stringify({ mcpServers: { roughy: { type: "stdio", ...ctx.server } } }));
        return {
          command: path.join(ctx.clis, "node_modules/.bin/claude"),
          args: ["-p", PROMPT, "--mcp-config", config, "--strict-mcp-config", "--allowedTools", "mcp__roughy", "--output-format", "json", "--max-turns", "40"],
          env: {
            PATH: process.env.PATH,
            HOME: home,
            ANTHROPIC_BASE_URL: mockUrl,
            ANTHROPIC_API_KEY: "sk-ant-interop-mock",
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
            DISABLE_AUTOUPDATER: "1",
            DISABLE_TELEMETRY: "1",
            // Tool search (on by default) defers MCP tools behind a search tool; off, every tool is declared to
            // the model, which is what the declaration checks read.
            ENABLE_TOOL_SEARCH: "false",
            MCP_TIMEOUT: "60000",
            MCP_TOOL_TIMEOUT: "120000",
          },
        };
      },
    });
  },
};
