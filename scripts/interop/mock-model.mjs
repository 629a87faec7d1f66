// A stand-in for the model APIs the hosts talk to (Anthropic Messages, OpenAI Chat Completions and
// Responses, Gemini generateContent), on 127.0.0.1. It does not think: a scripted agent (flow.mjs) decides
// the next tool call from the tool results that actually reached it, so an id or a hint a host dropped
// makes the flow stop there. Every request is recorded as the host sent it (tool declarations and the
// tool results as the model would read them) for the checks.

import http from "node:http";
import { randomUUID } from "node:crypto";

/** Collects the text a model would read from one tool-result payload, whatever shape the host gave it. */
function textOf(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join("\n");
  if (typeof value === "object") {
    if (typeof value.text === "string" && Object.keys(value).every((k) => ["type", "text", "cache_control", "annotations"].includes(k))) return value.text;
    return JSON.stringify(value);
  }
  return String(value);
}

/** The non-text parts a host put into a tool result (images, files, documents): some providers refuse them. */
function partTypes(value) {
  if (!Array.isArray(value)) return [];
  return value.map((p) => (p && typeof p === "object" ? String(p.type ?? Object.keys(p)[0]) : typeof p)).filter((t) => !/text/.test(t));
}

// ---- per-API readers: {tools: [{name, description, schema}], results: [{name, text, parts}]} ----

function readAnthropic(body) {
  const tools = (body.tools ?? []).filter((t) => t.name).map((t) => ({ name: t.name, description: t.description ?? "", schema: t.input_schema }));
  const names = new Map();
  const results = [];
  for (const m of body.messages ?? []) {
    if (!Array.isArray(m.content)) continue;
    for (const block of m.content) {
      if (block.type === "tool_use") names.set(block.id, block.name);
      if (block.type === "tool_result") results.push({ name: names.get(block.tool_use_id) ?? "?", text: textOf(block.content), parts: partTypes(block.content), error: block.is_error === true });
    }
  }
  return { tools, results };
}

function readChat(body) {
  const tools = (body.tools ?? []).map((t) => ({ name: t.function?.name, description: t.function?.description ?? "", schema: t.function?.parameters, strict: t.function?.strict }));
  const names = new Map();
  const results = [];
  for (const m of body.messages ?? []) {
    for (const call of m.tool_calls ?? []) names.set(call.id, call.function?.name);
    if (m.role === "tool") results.push({ name: names.get(m.tool_call_id) ?? "?", text: textOf(m.content), parts: partTypes(m.content) });
  }
  return { tools, results };
}

/** Codex groups an MCP server's tools in a `namespace` tool; its calls name the namespace and the tool apart. */
function responsesTools(body) {
  return (body.tools ?? []).flatMap((t) =>
    t.type === "namespace"
      ? (t.tools ?? []).map((inner) => ({ name: `${t.name}__${inner.name}`, namespace: t.name, inner: inner.name, description: inner.description ?? "", schema: inner.parameters, strict: inner.strict }))
      : t.name
        ? [{ name: t.name, description: t.description ?? "", schema: t.parameters, strict: t.strict }]
        : [],
  );
}

function readResponses(body) {
  const tools = responsesTools(body);
  const names = new Map();
  const results = [];
  for (const item of Array.isArray(body.input) ? body.input : []) {
    if (item.type === "function_call") names.set(item.call_id, item.namespace ? `${item.namespace}__${item.name}` : item.name);
    if (item.type === "function_call_output") results.push({ name: names.get(item.call_id) ?? "?", text: textOf(item.output), parts: partTypes(item.output) });
  }
  return { tools, results };
}

function readGemini(body) {
  const tools = [];
  for (const t of body.tools ?? []) {
    for (const d of t.functionDeclarations ?? []) tools.push({ name: d.name, description: d.description ?? "", schema: d.parametersJsonSchema ?? d.parameters });
  }
  const results = [];
  for (const c of body.contents ?? []) {
    for (const p of c.parts ?? []) {
      if (p.functionResponse) results.push({ name: p.functionResponse.name, text: textOf(p.functionResponse.response), parts: partTypes(p.functionResponse.parts) });
    }
  }
  return { tools, results };
}

// ---- per-API writers of one decision: {call: {name, args}} or {text} ----

function sse(res, events) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const [event, data] of events) res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
  res.end();
}

function json(res, status, data) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(data));
}

function answerAnthropic(res, body, decision) {
  const id = `msg_${randomUUID().replace(/-/g, "")}`;
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const block = decision.call
    ? { type: "tool_use", id: `toolu_${randomUUID().replace(/-/g, "").slice(0, 24)}`, name: decision.call.name, input: decision.call.args }
    : { type: "text", text: decision.text };
  const stop = decision.call ? "tool_use" : "end_turn";
  const message = { id, type: "message", role: "assistant", model: body.model, content: [block], stop_reason: stop, stop_sequence: null, usage };
  if (!body.stream) return json(res, 200, message);
  const start = decision.call ? { ...block, input: {} } : { type: "text", text: "" };
  const delta = decision.call ? { type: "input_json_delta", partial_json: JSON.stringify(decision.call.args) } : { type: "text_delta", text: decision.text };
  sse(res, [
    ["message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null } }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: start }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } }],
    ["message_stop", { type: "message_stop" }],
  ]);
}

function answerChat(res, body, decision) {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const toolCalls = decision.call ? [{ id: `call_${randomUUID().slice(0, 8)}`, type: "function", function: { name: decision.call.name, arguments: JSON.stringify(decision.call.args) } }] : undefined;
  const message = { role: "assistant", content: decision.call ? null : decision.text, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
  const finish = decision.call ? "tool_calls" : "stop";
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (!body.stream) return json(res, 200, { id, object: "chat.completion", created, model: body.model, choices: [{ index: 0, message, finish_reason: finish }], usage });
  const delta = decision.call ? { role: "assistant", tool_calls: toolCalls.map((c, index) => ({ index, ...c })) } : { role: "assistant", content: decision.text };
  sse(res, [
    [null, { id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: null }] }],
    [null, { id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage }],
  ]);
  res.end();
}

function answerResponses(res, body, decision) {
  const id = `resp_${randomUUID().replace(/-/g, "")}`;
  const spaced = decision.call ? responsesTools(body).find((t) => t.name === decision.call.name && t.namespace) : undefined;
  const callName = spaced ? { namespace: spaced.namespace, name: spaced.inner } : { name: decision.call?.name };
  const item = decision.call
    ? { type: "function_call", id: `fc_${randomUUID().replace(/-/g, "")}`, call_id: `call_${randomUUID().slice(0, 8)}`, ...callName, arguments: JSON.stringify(decision.call.args), status: "completed" }
    : { type: "message", id: `msg_${randomUUID().replace(/-/g, "")}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: decision.text, annotations: [] }] };
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  const response = { id, object: "response", created_at: Math.floor(Date.now() / 1000), status: "completed", model: body.model, output: [item], usage, error: null, incomplete_details: null };
  if (!body.stream) return json(res, 200, response);
  sse(res, [
    ["response.created", { type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress", output: [] } }],
    ["response.output_item.added", { type: "response.output_item.added", sequence_number: 1, output_index: 0, item: { ...item, status: "in_progress" } }],
    ["response.output_item.done", { type: "response.output_item.done", sequence_number: 2, output_index: 0, item }],
    ["response.completed", { type: "response.completed", sequence_number: 3, response }],
  ]);
}

function answerGemini(res, body, decision, stream) {
  let part;
  if (decision.call) part = { functionCall: { name: decision.call.name, args: decision.call.args } };
  else if (body.generationConfig?.responseMimeType === "application/json") {
    // A host's own side question (Gemini CLI: who speaks next, which model): the dullest valid answer.
    part = { text: JSON.stringify({ reasoning: "scripted", next_speaker: "user", model_choice: "flash", complexity_reasoning: "scripted", complexity_score: 1 }) };
  } else part = { text: decision.text };
  const chunk = {
    candidates: [{ content: { role: "model", parts: [part] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: "mock",
  };
  if (stream) return sse(res, [[null, chunk]]);
  json(res, 200, chunk);
}

/**
 * Starts the mock. `agent({api, tools, results, body})` returns the next {call} or {text}; requests that carry
 * none of the flow's tools (a host's own side calls: titles, summaries, quota checks) get a short text.
 * Returns {url, requests, close}; `requests` holds every recorded conversation turn.
 */
export async function startMockModel({ agent, isFlow, warmup }) {
  let warmups = 0;
  const requests = [];
  const others = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let body = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      } catch {
        return json(res, 400, { error: { message: "mock: body is not JSON" } });
      }
      const url = new URL(req.url, "http://mock");
      const p = url.pathname;
      try {
        if (req.method === "GET" && /\/models$/.test(p)) return json(res, 200, { object: "list", data: [{ id: "mock", object: "model" }], models: [] });
        if (p.endsWith("/count_tokens") || p.endsWith(":countTokens")) return json(res, 200, { input_tokens: 10, totalTokens: 10 });
        let api;
        let read;
        if (p.endsWith("/messages")) [api, read] = ["anthropic", readAnthropic(body)];
        else if (p.endsWith("/chat/completions")) [api, read] = ["chat", readChat(body)];
        else if (p.endsWith("/responses")) [api, read] = ["responses", readResponses(body)];
        else if (/:(stream)?generateContent$/i.test(p)) [api, read] = ["gemini", readGemini(body)];
        else return json(res, 404, { error: { message: `mock: no route ${req.method} ${p}` } });
        const flow = isFlow(read.tools);
        // A host that sends its first turn before its MCP servers are up (Codex) gets a harmless call of its
        // own tool, a few times, so that the next turn carries our tools.
        const early = !flow && warmup && warmups < 8 ? warmup(read.tools) : null;
        if (early) warmups += 1;
        const decision = flow ? agent({ api, ...read, body }) : (early ?? { text: "ok" });
        if (flow) requests.push({ api, path: p, tools: read.tools, results: read.results, decision, body });
        else others.push({ api, path: p, tools: read.tools.map((t) => t.name), body });
        if (api === "anthropic") return answerAnthropic(res, body, decision);
        if (api === "chat") return answerChat(res, body, decision);
        if (api === "responses") return answerResponses(res, body, decision);
        return answerGemini(res, body, decision, /streamGenerateContent/i.test(p));
      } catch (error) {
        json(res, 500, { error: { message: `mock: ${error?.stack ?? error}` } });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    others,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
