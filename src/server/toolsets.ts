// Which tools a server exposes. A user who only reviews cuts, or wants no webhooks in the agent's context,
// names toolsets (--toolsets / ROUGHY_TOOLSETS); --read-only (ROUGHY_READ_ONLY=1) keeps only tools whose
// readOnlyHint is true and makes the wrapper refuse anything else even if a client calls it by name.

import type { AnyToolDefinition } from "../tools/define-tool.js";
import { ConfigurationError } from "../vocabulary/errors.js";
import { KINDS, TOOLSETS, kindNamed, type Toolset } from "../vocabulary/kinds.js";

export { TOOLSETS, type Toolset };

/** Thrown at start-up for a bad --toolsets value; the message lists the valid names. */
export class ToolsetConfigError extends ConfigurationError {
  constructor(message: string) {
    super(message);
    this.name = "ToolsetConfigError";
  }
}

function isToolset(name: string): name is Toolset {
  return (TOOLSETS as readonly string[]).includes(name);
}

/**
 * "cuts,renders" (or a list of such values) -> the toolsets; "all" or nothing -> every toolset. Case and
 * spaces are forgiven; an unknown name is an error that lists the valid ones.
 */
export function parseToolsets(value: string | readonly string[] | undefined): readonly Toolset[] {
  const raw = (typeof value === "string" ? [value] : (value ?? []))
    .flatMap((v) => v.split(","))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (raw.length === 0 || raw.includes("all")) return TOOLSETS;
  const unknown = raw.filter((name) => !isToolset(name));
  if (unknown.length > 0) {
    throw new ToolsetConfigError(
      `Unknown toolset${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")} in --toolsets / ROUGHY_TOOLSETS. Valid toolsets: ${TOOLSETS.join(", ")} (or all).`,
    );
  }
  return [...new Set(raw as Toolset[])];
}

/** "1", "true", "yes", "on" (any case) mean read-only; anything else, or unset, does not. */
export function parseReadOnly(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value?.trim() ?? "");
}

export type ToolSelection = { toolsets: readonly Toolset[]; readOnly: boolean };

/**
 * A tool that serves several kinds (get, list, delete, wait take kind=cut, kind=webhooks, ...) still keeps to
 * the enabled toolsets: `roughy_delete kind=webhook` is refused when webhooks are not enabled. Null when allowed.
 */
export function whyKindHidden(tool: AnyToolDefinition, args: Record<string, unknown>, selection: ToolSelection): string | null {
  if (typeof args.kind !== "string" || (tool.toolsets?.length ?? 0) < 2) return null;
  const kind = kindNamed(args.kind);
  if (!kind) return null;
  const set = KINDS[kind].toolset;
  if (selection.toolsets.includes(set)) return null;
  return `kind=${args.kind} belongs to the ${set} toolset, which this server does not enable (--toolsets / ROUGHY_TOOLSETS is ${selection.toolsets.join(",")}).`;
}

/** Why a tool is not exposed under this selection, or null when it is. */
export function whyHidden(tool: AnyToolDefinition, selection: ToolSelection): string | null {
  if (selection.readOnly && !tool.annotations.readOnlyHint) {
    return `${tool.name} changes things, and this server runs read-only (--read-only / ROUGHY_READ_ONLY). Restart it without that setting to use ${tool.name}.`;
  }
  // A tool without toolsets (an MCP App's own tool) follows the others: it is always there.
  const sets = tool.toolsets ?? [];
  if (sets.length > 0 && !sets.some((s) => selection.toolsets.includes(s))) {
    return `${tool.name} is in the ${sets.join("/")} toolset, which this server does not enable (--toolsets / ROUGHY_TOOLSETS is ${selection.toolsets.join(",")}). Add ${sets[0]} to use it.`;
  }
  return null;
}
