// The shape every tool is written in. A tool is data (name, schemas, annotations, description) plus one
// handler that returns data and a summary; the wrapper in src/server/register-tools.ts does everything
// else (validation with readable messages, error mapping, size limits), so handlers never catch.

import type { z } from "zod";
import type { ContentBlock, ElicitRequestFormParams, ElicitResult, LoggingLevel } from "@modelcontextprotocol/server";
import type { RoughyClient } from "../client/index.js";
import type { ProgressSink } from "../progress/sink.js";
import type { FileAccess } from "../files/allowed-dirs.js";
import type { JobManager, JobSnapshot } from "../jobs/manager.js";
import type { RemoteJobs } from "../jobs/sealed-job.js";
import { TOOLSETS, type Toolset } from "../vocabulary/kinds.js";
import type { SpendPolicy } from "./spend-budget.js";

export type { ProgressSink };

/** All four hints, always set: a client decides on confirmation prompts from them. */
export type ToolAnnotations = {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
};

export type { JobManager };

export { TOOLSETS, type Toolset };

export type BackendMode = "sandbox" | "remote";

export interface ToolContext {
  /** The backend, started or connected on first use (the sandbox is started lazily). */
  client(): Promise<RoughyClient>;
  /** Aborted when the client cancels the call or the connection closes. */
  signal: AbortSignal;
  /** notifications/progress for this call; a no-op when the client sent no progress token. */
  progress: ProgressSink;
  /** A logging notification to the client (never include an API key). */
  log(level: LoggingLevel, message: string): void;
  /** Local file access, confined to the allowed directories. */
  files: FileAccess;
  /** Present only when the client declared the elicitation capability. */
  elicit?: (params: ElicitRequestFormParams) => Promise<ElicitResult>;
  /** Background jobs of this server (cut_to_script); shared by every call. */
  jobs: JobManager;
  mode: BackendMode;
  /** Remote HTTP mode: the caller is on another machine, so a local path names nothing this server can read. */
  remoteCaller?: boolean;
  /** Remote HTTP mode: seals cut_to_script jobs into their ids, bound to the caller's key (no job lives here). */
  remoteJobs?: RemoteJobs;
  /** A cut reached completed in this call: its exports join resources/list (list_changed, once per cut). */
  cutCompleted?: (cutId: string) => void;
  /** The operator's spending budget (ROUGHY_SPEND_BUDGET) and this session's declined spends. */
  budget?: SpendPolicy;
  /** The raw progress token, for work that outlives the call's own sink (jobs). */
  progressToken?: string | number;
}

/**
 * Every result says what to do next, as a field: some hosts show the model only structuredContent (Codex,
 * Claude Code when both are present), others only the text (LangChain, Mastra), so the summary ends with
 * the same step ("Next: ..."). The wrapper lists `next_step` in every output schema.
 */
export type NextStep = { next_step: string };

export type ToolOutput<O> = {
  /** structuredContent; must match the output schema (which the wrapper extends with `next_step`). */
  data: O & NextStep;
  /** A short text summary that ends with "Next: " and the same step as `next_step`. */
  summary: string;
  /** Extra content blocks after the summary (resource links, inline exports). */
  content?: ContentBlock[];
};

export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  /** The toolsets that include this tool; every tool in src/tools names at least one. */
  toolsets?: readonly Toolset[];
  /** Listed as is in tools/list: MCP Apps metadata (`ui.resourceUri`, `ui.visibility`). */
  _meta?: Record<string, unknown>;
  handler(args: z.output<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolOutput<z.output<z.ZodObject<O>>>>;
  /**
   * MCP Tasks (task-augmented tools/call): `start` does what the handler does up to starting its job (checks,
   * cost confirmation) and returns the job; the answer is built from the job once it ends. A tool without
   * this refuses a task-augmented call; every call without a task goes to `handler` as before.
   */
  task?: {
    start(args: z.output<z.ZodObject<I>>, ctx: ToolContext): Promise<JobSnapshot<unknown>>;
    answer(job: JobSnapshot<unknown>): ToolOutput<z.output<z.ZodObject<O>>>;
  };
}

/** A tool only an MCP App view calls (`ui.visibility` without "model"): not one the model is told about. */
export function isAppOnly(tool: Pick<AnyToolDefinition, "_meta">): boolean {
  const ui = tool._meta?.ui as { visibility?: unknown } | undefined;
  return Array.isArray(ui?.visibility) && !ui.visibility.includes("model");
}

/** Identity helper: lets TypeScript infer the handler's argument and result types from the schemas. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any>;
