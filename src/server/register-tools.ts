// The one wrapper every tool goes through, and the one owner of tools/list and tools/call (on the SDK's
// low-level Server, its supported layer for a server that answers those methods itself). Input is validated
// here with messages that name the argument (zod's raw JSON reads badly to an agent); the listing is built
// from the same schemas, without the bytes that tell a model nothing. Handler errors become isError results
// (see tool-errors.ts); answers are kept under a size cap.

import { z } from "zod";
import type { CallToolResult, Server, ServerContext, Task, Tool } from "@modelcontextprotocol/server";
import { isAppOnly, type AnyToolDefinition, type ToolContext, type ToolOutput } from "../tools/define-tool.js";
import type { JobTaskStore } from "../jobs/task-store.js";
import { createTaskResult, declaresTasks } from "../jobs/tasks-extension.js";
import { createProgressSink } from "../progress/sink.js";
import { describeError, describeInputIssues, type PaymentFacts } from "../operations/describe-error.js";
import { RoughyError } from "../client/errors.js";
import { TOOLSETS, whyHidden, whyKindHidden, type ToolSelection } from "./toolsets.js";
import { ProtocolError, ProtocolErrorCode } from "../vocabulary/errors.js";
import { lenientArgs } from "./lenient-args.js";
import { inputSchemaOf, outputSchemaOf } from "./listing-schemas.js";
import { PRECOMPUTED_SCHEMAS, type ListedSchemas } from "./precomputed-listing.js";

export type Extra = ServerContext;

/** A tool's output shape with `next_step` (ToolOutput's NextStep), unless it declares one of its own. */
function withNextStep(shape: z.ZodRawShape): z.ZodRawShape {
  return "next_step" in shape ? shape : { ...shape, next_step: z.string() };
}

/** No answer a model reads goes over this many characters (text plus structured content): agents pay for every one. */
export const MAX_RESULT_CHARS = 20_000;

export type ContextFactory = (extra: Extra, parts: Pick<ToolContext, "progress" | "signal" | "progressToken">) => ToolContext;

export type RegisterOptions = {
  makeContext: ContextFactory;
  /** Server-side log (stderr in the CLI) for internal failures; never shown to the agent. */
  logInternal?: (message: string, error: unknown) => void;
  /** Answers task-augmented calls of tools with `task` (MCP Tasks); without it such calls are refused. */
  tasks?: JobTaskStore;
  /** The instance serves the 2026-07-28 wire, where tasks are the SEP-2663 extension, not core `task` params. */
  tasksExtension?: boolean;
  /** Which tools are exposed (--toolsets, --read-only); default: all of them. */
  selection?: ToolSelection;
  /** Left out of tools/list (still callable), asked on the first tools/list, once the client is known. */
  unlisted?: (tool: AnyToolDefinition) => boolean;
};

/**
 * A task-augmented call's answer (CreateTaskResult). The SDK checks every tools/call answer as a CallToolResult
 * and refuses a `task` body without `content`, so the task travels with an empty content list, which a
 * CallToolResult reader ignores and a task-aware client does not read.
 */
function taskAnswer(task: Task): CallToolResult {
  return { task, content: [] } as CallToolResult;
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** Shortens text blocks until the whole answer fits; structured content is the tool's to keep small. */
export function capResult(result: CallToolResult): CallToolResult {
  const size = (): number => JSON.stringify({ content: result.content, structuredContent: result.structuredContent }).length;
  let over = size() - MAX_RESULT_CHARS;
  if (over <= 0) return result;
  for (let i = result.content.length - 1; i >= 0 && over > 0; i--) {
    const block = result.content[i];
    if (block?.type !== "text") continue;
    const keep = Math.max(0, block.text.length - over - 200);
    const cut = block.text.length - keep;
    if (cut <= 0) continue;
    block.text = `${block.text.slice(0, keep)}\n… (${cut} characters cut to keep the answer short)`;
    over = size() - MAX_RESULT_CHARS;
  }
  return result;
}

// Converting zod to JSON Schema is most of the cost of a listing, and the definitions never change: the bundle
// carries the conversion made at build time, and anything else is converted once per process (the HTTP mode
// builds a server per request and would otherwise redo it every time).
const schemaCache = new WeakMap<AnyToolDefinition, ListedSchemas>();

/** The JSON Schemas a tool is listed with, converted from its zod schemas (the build's table is made with this). */
export function listedSchemasOf(tool: AnyToolDefinition): ListedSchemas {
  return {
    input: inputSchemaOf(tool.inputSchema) as Tool["inputSchema"],
    output: outputSchemaOf(withNextStep(tool.outputSchema)) as Tool["outputSchema"],
  };
}

function jsonSchemasOf(tool: AnyToolDefinition): ListedSchemas {
  let schemas = schemaCache.get(tool);
  if (!schemas) {
    schemas = Object.hasOwn(PRECOMPUTED_SCHEMAS, tool.name) ? PRECOMPUTED_SCHEMAS[tool.name]! : listedSchemasOf(tool);
    schemaCache.set(tool, schemas);
  }
  return schemas;
}

// The zod objects a call is checked with, built on a tool's first call rather than for every tool at start-up
// (and for every request in the HTTP mode), then kept for the process.
const callSchemaCache = new WeakMap<AnyToolDefinition, { input: z.ZodObject; output: z.ZodObject }>();

function callSchemasOf(tool: AnyToolDefinition): { input: z.ZodObject; output: z.ZodObject } {
  let schemas = callSchemaCache.get(tool);
  if (!schemas) {
    schemas = { input: z.object(tool.inputSchema).strict(), output: z.object(withNextStep(tool.outputSchema)) };
    callSchemaCache.set(tool, schemas);
  }
  return schemas;
}

/**
 * The hints that differ from the spec's defaults (readOnly false, destructive true, idempotent false, openWorld
 * true): a client reads a missing hint as its default, so the meaning is the same in a fifth of the bytes.
 */
const HINT_DEFAULTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;
function listedAnnotations(hints: AnyToolDefinition["annotations"]): Partial<AnyToolDefinition["annotations"]> {
  return Object.fromEntries(Object.entries(hints).filter(([key, value]) => HINT_DEFAULTS[key as keyof typeof HINT_DEFAULTS] !== value));
}

/** The tools/list entry of one definition. `tasks`: the server answers task-augmented calls. */
export function toolListing(tool: AnyToolDefinition, options: { tasks?: boolean } = {}): Tool {
  const schemas = jsonSchemasOf(tool);
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: schemas.input,
    outputSchema: schemas.output,
    annotations: listedAnnotations(tool.annotations),
    ...(options.tasks && tool.task ? { execution: { taskSupport: "optional" as const } } : {}),
    ...(tool._meta ? { _meta: tool._meta } : {}),
  };
}

/** Best effort: the numbers that turn "payment required" into "costs 3, balance 1". */
async function paymentFacts(ctx: ToolContext, args: Record<string, unknown>): Promise<PaymentFacts> {
  const facts: PaymentFacts = {};
  try {
    const client = await ctx.client();
    facts.balance = (await client.credits.get()).balance;
    if (typeof args.asset_id === "string") {
      const asset = await client.assets.get(args.asset_id);
      if (typeof asset.duration_seconds === "number") facts.cost = Math.ceil(asset.duration_seconds / 60);
    }
  } catch {
    // the message still works without the numbers
  }
  return facts;
}

export function registerTools(server: Server, allTools: readonly AnyToolDefinition[], options: RegisterOptions): readonly AnyToolDefinition[] {
  const selection = options.selection ?? { toolsets: TOOLSETS, readOnly: false };
  const tools = allTools.filter((tool) => whyHidden(tool, selection) === null);
  // Hidden tools are still known by name, so that a call to one is refused with the reason, not "unknown".
  const hidden = new Map(allTools.filter((tool) => !tools.includes(tool)).map((tool) => [tool.name, tool]));
  const byName = new Map<string, AnyToolDefinition>();

  /** A handler's output as the call's result: checked against the output schema, capped. */
  const toResult = (tool: AnyToolDefinition, output: ToolOutput<unknown>): CallToolResult => {
    const data = output.data as Record<string, unknown>;
    const checked = callSchemasOf(tool).output.safeParse(data);
    if (checked && !checked.success) {
      // A tool bug, not the agent's: answer generically rather than send a result the client would reject.
      options.logInternal?.(`tool ${tool.name} returned data that does not match its output schema`, checked.error);
      return errorResult("The tool produced an invalid answer (a server bug); the server log has the details.");
    }
    const result: CallToolResult = { content: [{ type: "text", text: output.summary }, ...(output.content ?? [])], structuredContent: data };
    // The cap protects a model's context; an app-only tool answers its view (cut_audio's 1 MiB audio chunks).
    return isAppOnly(tool) ? result : capResult(result);
  };

  const failure = async (tool: AnyToolDefinition, error: unknown, args: Record<string, unknown>, ctx: ToolContext): Promise<CallToolResult> => {
    const facts =
      error instanceof RoughyError && (error.code === "asset_payment_required" || error.code === "insufficient_credits")
        ? await paymentFacts(ctx, args)
        : undefined;
    const described = describeError(error, args, facts);
    if (described.internal) {
      options.logInternal?.(`tool ${tool.name} failed`, error);
      const detail = error instanceof RoughyError ? `${error.code}${error.requestId ? ` request ${error.requestId}` : ""}` : "internal";
      ctx.log("error", `${tool.name} failed (${detail})`);
    }
    return errorResult(described.message);
  };

  const refusedReadOnly = (tool: AnyToolDefinition): CallToolResult | null =>
    // The last line of read-only: whatever path led here, a tool that changes things does not run.
    selection.readOnly && !tool.annotations.readOnlyHint ? errorResult(whyHidden(tool, selection) ?? `${tool.name} is refused in read-only mode.`) : null;

  const contextFor = (extra: Extra) => {
    const progressToken = extra.mcpReq._meta?.progressToken;
    const sink = createProgressSink({
      progressToken,
      sendNotification: (n) => extra.mcpReq.notify(n),
      signal: extra.mcpReq.signal,
    });
    return { sink, ctx: options.makeContext(extra, { progress: sink, signal: extra.mcpReq.signal, progressToken }) };
  };

  const run = async (tool: AnyToolDefinition, args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
    const refused = refusedReadOnly(tool);
    if (refused) return refused;
    const { sink, ctx } = contextFor(extra);
    try {
      const result = toResult(tool, await tool.handler(args, ctx));
      // The last progress (often the 100) must be on its way before the result, or the client drops it.
      await sink.flush();
      return result;
    } catch (error) {
      return await failure(tool, error, args, ctx);
    } finally {
      sink.close();
    }
  };

  /**
   * While a task runs, the request's progress token stays valid (MCP Tasks): the job's progress goes to it,
   * and the end is announced with notifications/tasks/status, which also lets the client drop its handler.
   */
  const keepReporting = async (taskId: string, extra: Extra): Promise<void> => {
    const store = options.tasks as JobTaskStore;
    const progressToken = extra.mcpReq._meta?.progressToken;
    const sink = createProgressSink({ progressToken, sendNotification: (n) => extra.mcpReq.notify(n) });
    try {
      const task = await store.follow(taskId, extra.sessionId, sink);
      await sink.flush();
      if (task) await extra.mcpReq.notify({ method: "notifications/tasks/status", params: task });
    } catch {
      // the connection is gone: tasks/get still answers for a client that comes back
    } finally {
      sink.close();
    }
  };

  const taskScope = (extra: Extra, ttl: number | null | undefined) => ({ ttl, ...(extra.sessionId !== undefined ? { sessionId: extra.sessionId } : {}) });

  /** Runs the tool's `task.start` within the request (checks, cost confirmation) and binds its job to a task. */
  const beginTask = async (tool: AnyToolDefinition, args: Record<string, unknown>, extra: Extra, ttl: number | null | undefined): Promise<{ task: Task } | { refused: CallToolResult }> => {
    const refused = refusedReadOnly(tool);
    if (refused) return { refused };
    const { sink, ctx } = contextFor(extra);
    try {
      const job = await tool.task!.start(args, ctx);
      return { task: (options.tasks as JobTaskStore).bindJob(job, { ...taskScope(extra, ttl), answer: (done) => toResult(tool, tool.task!.answer(done)) }) };
    } catch (error) {
      return { refused: await failure(tool, error, args, ctx) };
    } finally {
      sink.close();
    }
  };

  /**
   * A task-augmented call: the tool's `task.start` runs within the request (checks, cost confirmation),
   * then the answer is the task; the result comes later from the job (tasks/result). A refusal is a task
   * that failed at once, so the agent reads the same message it would have got without a task.
   */
  const startTask = async (tool: AnyToolDefinition, args: Record<string, unknown>, extra: Extra, ttl: number | null | undefined): Promise<CallToolResult> => {
    const begun = await beginTask(tool, args, extra, ttl);
    if ("refused" in begun) return taskAnswer((options.tasks as JobTaskStore).finished(begun.refused, taskScope(extra, ttl)));
    void keepReporting(begun.task.taskId, extra);
    return taskAnswer(begun.task);
  };

  /**
   * The 2026 tasks extension: the server decides to answer with a task. A refused start is answered at once
   * as a plain call would be (no task is made for it); the job's progress shows in tasks/get's statusMessage.
   */
  const startExtensionTask = async (tool: AnyToolDefinition, args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
    const begun = await beginTask(tool, args, extra, undefined);
    return "refused" in begun ? begun.refused : createTaskResult(begun.task);
  };

  for (const tool of tools) {
    byName.set(tool.name, tool);
  }

  // Built on the first tools/list, not at start-up: initialize should not wait for schema conversion.
  let listing: Tool[] | undefined;
  server.setRequestHandler("tools/list", () => ({
    tools: (listing ??= tools.filter((tool) => !options.unlisted?.(tool)).map((tool) => toolListing(tool, { tasks: Boolean(options.tasks) }))),
  }));

  server.setRequestHandler("tools/call", async (request, extra): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    const off = hidden.get(request.params.name);
    // The 2025 `task` param has no meaning on the 2026 wire, where the server decides (the tasks extension).
    const taskParams = options.tasksExtension ? undefined : request.params.task;
    if (!tool && off) {
      const why = whyHidden(off, selection) ?? `${off.name} is not enabled on this server.`;
      // A task-augmented call must be answered with a task or an error, never a plain result.
      if (taskParams) throw new ProtocolError(ProtocolErrorCode.InvalidParams, why);
      return errorResult(why);
    }
    if (!tool) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool ${request.params.name}; tools/list has the names.`);
    }
    if (taskParams && !(options.tasks && tool.task)) {
      throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `${tool.name} does not run as a task (only tools listed with execution.taskSupport do); call it without task.`);
    }
    const { args: input } = lenientArgs(request.params.arguments ?? {}, tool.inputSchema);
    const parsed = callSchemasOf(tool).input.safeParse(input);
    if (!parsed.success) {
      const invalid = errorResult(`${describeInputIssues(parsed.error.issues, input, Object.keys(tool.inputSchema))} See the ${tool.name} input schema.`);
      if (taskParams) return taskAnswer(options.tasks!.finished(invalid, taskScope(extra, taskParams.ttl)));
      return invalid;
    }
    const kindOff = whyKindHidden(tool, parsed.data as Record<string, unknown>, selection);
    if (kindOff) {
      if (taskParams) throw new ProtocolError(ProtocolErrorCode.InvalidParams, kindOff);
      return errorResult(kindOff);
    }
    if (taskParams) return startTask(tool, parsed.data as Record<string, unknown>, extra, taskParams.ttl);
    if (options.tasksExtension && options.tasks && tool.task && declaresTasks(extra)) return startExtensionTask(tool, parsed.data as Record<string, unknown>, extra);
    return run(tool, parsed.data as Record<string, unknown>, extra);
  });
  return tools;
}
