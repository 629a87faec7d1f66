// @google/genai: an MCP SDK client handed to mcpToTool, and generateContent with automatic function
// calling at the mock (httpOptions.baseUrl). The declarations it sends are what Gemini's API validates.

import { PROMPT, withMockModel } from "./lib-common.mjs";

export const genaiHost = {
  id: "google-genai",
  packages: ["@google/genai", "@modelcontextprotocol/sdk"],
  async run(ctx) {
    const { GoogleGenAI, mcpToTool } = await ctx.load("@google/genai");
    const { Client } = await ctx.load("@modelcontextprotocol/sdk/client/index.js");
    const { StdioClientTransport } = await ctx.load("@modelcontextprotocol/sdk/client/stdio.js");
    const client = new Client({ name: "genai-interop", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: ctx.server.command, args: ctx.server.args, env: ctx.server.env, cwd: ctx.work, stderr: "ignore" }));
    try {
      await withMockModel(ctx, "google-genai", async (baseURL) => {
        const ai = new GoogleGenAI({ apiKey: "interop-mock-key", httpOptions: { baseUrl: baseURL } });
        await ai.models.generateContent({
          model: "gemini-2.5-flash",
          contents: PROMPT,
          config: { tools: [mcpToTool(client, { timeout: 120_000 })], automaticFunctionCalling: { maximumRemoteCalls: 40 } },
        });
      });
    } finally {
      await client.close();
    }
  },
};
