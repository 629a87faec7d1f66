// The OpenAI Agents SDK: MCPServerStdio with strict schema conversion (what its docs recommend for
// reliable calls), next to a second server with generic tool names, and an Agent on the Responses API at
// the mock. Strict conversion turns optional fields into required nullable ones, so models send null.

import path from "node:path";
import { PROMPT, withMockModel } from "./lib-common.mjs";

export const openaiAgentsHost = {
  id: "openai-agents",
  packages: ["@openai/agents", "openai"],
  async run(ctx) {
    const { Agent, run, MCPServerStdio, setDefaultOpenAIClient, setTracingDisabled } = await ctx.load("@openai/agents");
    const { default: OpenAI } = await ctx.load("openai");
    setTracingDisabled(true);
    const roughy = new MCPServerStdio({ name: "roughy", command: ctx.server.command, args: ctx.server.args, env: ctx.server.env, cwd: ctx.work, convertSchemasToStrict: true, timeout: 120_000 });
    const other = new MCPServerStdio({ name: "other", command: process.execPath, args: [path.join(import.meta.dirname, "../other-server.mjs")], env: { ...process.env, INTEROP_LIBS: ctx.libs } });
    await roughy.connect();
    await other.connect();
    try {
      await withMockModel(ctx, "openai-agents", async (baseURL) => {
        setDefaultOpenAIClient(new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: "sk-interop-mock", maxRetries: 0 }));
        const agent = new Agent({ name: "editor", instructions: "You edit interviews with Roughy.", model: "mock", mcpServers: [roughy, other] });
        await run(agent, PROMPT, { maxTurns: 40 });
      });
    } finally {
      await roughy.close();
      await other.close();
    }
  },
};
