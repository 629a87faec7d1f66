// The AI SDK: @ai-sdk/mcp's client over stdio, its tools handed to generateText with an OpenAI-compatible
// provider at the mock. Any notification the server sends is an "Unsupported message type" error for this
// client (it handles only requests and responses), so the uncaught-error callback is a check of its own.

import { PROMPT, withMockModel } from "./lib-common.mjs";

export const aiSdkHost = {
  id: "ai-sdk",
  packages: ["@ai-sdk/mcp", "ai", "@ai-sdk/openai"],
  async run(ctx) {
    const { createMCPClient } = await ctx.load("@ai-sdk/mcp");
    const { StdioMCPTransport } = await ctx.load("@ai-sdk/mcp/mcp-stdio");
    const { generateText, isStepCount } = await ctx.load("ai");
    const { createOpenAI } = await ctx.load("@ai-sdk/openai");
    const uncaught = [];
    const mcp = await createMCPClient({
      transport: new StdioMCPTransport({ command: ctx.server.command, args: ctx.server.args, env: ctx.server.env, cwd: ctx.work }),
      onUncaughtError: (error) => uncaught.push(String(error?.message ?? error)),
    });
    try {
      const tools = await mcp.tools();
      await withMockModel(ctx, "ai-sdk", async (baseURL) => {
        const openai = createOpenAI({ baseURL: `${baseURL}/v1`, apiKey: "sk-interop-mock" });
        await generateText({ model: openai.chat("mock"), tools, stopWhen: isStepCount(40), prompt: PROMPT });
      });
      const prompts = await mcp.listPrompts().catch((error) => ({ prompts: [], error }));
      ctx.check("ai-sdk: prompts listed (item 11)", (prompts.prompts ?? []).length >= 2, prompts.error ? String(prompts.error.message ?? prompts.error) : `prompts: ${(prompts.prompts ?? []).map((p) => p.name).join(", ") || "none"}`);
    } finally {
      await mcp.close();
    }
    // Only what the server sent is ours to judge; the client's own protocol probing is not.
    const unsupported = uncaught.filter((m) => /Unsupported message type/.test(m));
    ctx.check("ai-sdk: no message the client cannot handle, e.g. a log before logging/setLevel (item 10)", unsupported.length === 0, uncaught.join(" | "));
  },
};
