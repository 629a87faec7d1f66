// Mastra: @mastra/mcp's MCPClient over stdio, its tools given to a Mastra Agent whose model is an
// OpenAI-compatible endpoint at the mock.

import { PROMPT, withMockModel } from "./lib-common.mjs";

export const mastraHost = {
  id: "mastra",
  packages: ["@mastra/mcp", "@mastra/core"],
  async run(ctx) {
    const { MCPClient } = await ctx.load("@mastra/mcp");
    const { Agent } = await ctx.load("@mastra/core/agent");
    const mcp = new MCPClient({ id: `interop-${process.pid}`, servers: { roughy: { command: ctx.server.command, args: ctx.server.args, env: ctx.server.env, cwd: ctx.work } }, timeout: 120_000 });
    try {
      const tools = await mcp.listTools();
      await withMockModel(ctx, "mastra", async (baseURL) => {
        const agent = new Agent({
          id: "editor",
          name: "editor",
          instructions: "You edit interviews with Roughy.",
          model: { id: "interop/mock", url: `${baseURL}/v1`, apiKey: "sk-interop-mock" },
          tools,
        });
        await agent.generate(PROMPT, { maxSteps: 40 });
      }, { declarations: { appsHost: true } });
    } finally {
      await mcp.disconnect();
    }
  },
};
