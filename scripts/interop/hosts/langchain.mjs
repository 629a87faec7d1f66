// LangChain: @langchain/mcp-adapters' MultiServerMCPClient with its defaults, the tools bound to ChatOpenAI
// at the mock, and the usual agent loop (invoke, run each tool call, append the ToolMessage). Every
// ToolMessage is then also handed to ChatAnthropic, whose converter refuses what ChatOpenAI's accepts and
// the other way round (issue 11, item 3).

import { PROMPT, withMockModel } from "./lib-common.mjs";

export const langchainHost = {
  id: "langchain",
  packages: ["@langchain/mcp-adapters", "@langchain/core", "@langchain/openai", "@langchain/anthropic"],
  async run(ctx) {
    const { MultiServerMCPClient } = await ctx.load("@langchain/mcp-adapters");
    const { ChatOpenAI } = await ctx.load("@langchain/openai");
    const { ChatAnthropic } = await ctx.load("@langchain/anthropic");
    const { HumanMessage, ToolMessage } = await ctx.load("@langchain/core/messages");
    const client = new MultiServerMCPClient({ mcpServers: { roughy: { transport: "stdio", command: ctx.server.command, args: ctx.server.args, env: ctx.server.env, cwd: ctx.work } } });
    const refusedByAnthropic = [];
    try {
      const tools = await client.getTools();
      const byName = new Map(tools.map((t) => [t.name, t]));
      // LangChain checks arguments against the schema itself and refuses a null before the server sees it.
      await withMockModel(ctx, "langchain", async (baseURL) => {
        const model = new ChatOpenAI({ model: "mock", apiKey: "sk-interop-mock", configuration: { baseURL: `${baseURL}/v1` }, maxRetries: 0 }).bindTools(tools);
        const anthropic = new ChatAnthropic({ model: "claude-mock", apiKey: "sk-ant-interop-mock", anthropicApiUrl: baseURL, maxRetries: 0 });
        const messages = [new HumanMessage(PROMPT)];
        for (let turn = 0; turn < 40; turn++) {
          const ai = await model.invoke(messages);
          messages.push(ai);
          if (!ai.tool_calls?.length) break;
          for (const call of ai.tool_calls) {
            const tool = byName.get(call.name);
            // As LangGraph's ToolNode does: a tool that throws becomes an error ToolMessage for the model.
            const message = await tool
              .invoke({ ...call, type: "tool_call" })
              .catch((error) => new ToolMessage({ content: `Error: ${error.message}`, tool_call_id: call.id, status: "error" }));
            messages.push(message);
            // The same history through the other provider's converter (the mock answers whatever it is asked).
            await anthropic.invoke([new HumanMessage(PROMPT), ai, message]).catch((error) => refusedByAnthropic.push(`${call.name}: ${error.message}`));
          }
        }
      }, { agent: { nullOptional: false } });
    } finally {
      await client.close();
    }
    ctx.check("langchain: every tool answer passes ChatAnthropic's converter too (item 3)", refusedByAnthropic.length === 0, refusedByAnthropic.join(" | "));
  },
};
