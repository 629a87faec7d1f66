// The one error path: turns anything a tool handler or a job step throws into a message an agent can act on. API problems of the caller's
// making (4xx) name the code, the argument and value, the request id and the next step; server-side and
// unknown failures get a short generic line with the request id, and the caller logs the detail. Raw API
// JSON and SDK exception text never reach the agent.

import { z } from "zod";
import { RoughyError } from "../client/errors.js";
import { ConfigurationError, ToolError } from "../vocabulary/errors.js";
import { KINDS, kindNamed, kindsWhere } from "../vocabulary/kinds.js";

export type DescribedError = { message: string; internal: boolean };

/** Extra facts the wrapper may fetch to make a payment error actionable. */
export type PaymentFacts = { balance?: number; cost?: number };

/** Each id argument with the list call that shows valid ids, from the kind table; `id` goes with `kind`. */
const ID_ARGS: Record<string, string> = {
  ...Object.fromEntries(kindsWhere("list").filter((k) => k !== "ledger").map((k) => [KINDS[k].idArg, `roughy_list kind=${KINDS[k].plural}`])),
  id: "roughy_list with the same kind",
};

function requestIdNote(error: RoughyError): string {
  return error.requestId ? ` (request id ${error.requestId})` : "";
}

function retryNote(error: RoughyError, fallbackSeconds: number): string {
  const s = error.retryAfter ?? fallbackSeconds;
  return `${Math.max(1, Math.ceil(s))} s`;
}

function idsIn(args: Record<string, unknown>): string {
  const named = Object.keys(ID_ARGS)
    .filter((k) => typeof args[k] === "string")
    .map((k) => `${k} ${String(args[k])}`);
  return named.join(", ");
}

function notFoundHint(args: Record<string, unknown>): string {
  const kinds = Object.keys(ID_ARGS)
    .filter((k) => typeof args[k] === "string" && k !== "id")
    .map((k) => ID_ARGS[k]);
  const kind = typeof args.kind === "string" ? kindNamed(args.kind) : null;
  if (kind && KINDS[kind].list) kinds.push(`roughy_list kind=${KINDS[kind].plural}`);
  const unique = [...new Set(kinds)];
  return unique.length > 0 ? `Call ${unique.join(" or ")} to see valid ids.` : "Call roughy_list to see valid ids.";
}

/** Field paths from the API (`body.script`) mapped back to the tool's argument names where they match. */
function fieldList(error: RoughyError): string {
  return error.fields.map((f) => `${f.field.replace(/^(body|query|path)\./, "")}: ${f.message}`).join("; ");
}

export function describeRoughyError(error: RoughyError, args: Record<string, unknown>, facts: PaymentFacts = {}): DescribedError {
  const rid = requestIdNote(error);
  const msg = error.message.replace(/\s+$/, "");
  const ids = idsIn(args);
  const about = ids ? ` for ${ids}` : "";
  switch (error.code) {
    case "not_found":
    case "gone":
      return { message: `Not found${about}: ${msg}${rid}. ${notFoundHint(args)}`, internal: false };
    case "validation_error": {
      const fields = fieldList(error);
      return { message: `The API rejected the arguments (validation_error): ${fields || msg}${rid}. Fix those fields and call again.`, internal: false };
    }
    case "asset_payment_required": {
      const parts = [
        facts.cost !== undefined ? `it costs ${facts.cost} credit(s)` : undefined,
        facts.balance !== undefined ? `the balance is ${facts.balance}` : undefined,
      ].filter(Boolean);
      const detail = parts.length > 0 ? ` (${parts.join("; ")})` : "";
      return {
        message: `The asset is waiting for payment (asset_payment_required)${about}${detail}${rid}. Top up credits in the Roughy dashboard, then call again; get_credits shows the balance.`,
        internal: false,
      };
    }
    case "insufficient_credits":
      return {
        message: `Not enough credits (insufficient_credits)${facts.balance !== undefined ? `: balance ${facts.balance}` : ""}${rid}. Top up in the Roughy dashboard, then retry; estimate_cost shows what a file costs.`,
        internal: false,
      };
    case "asset_processing":
      return {
        message: `The asset is still being processed (asset_processing)${about}${rid}. Retry after ${retryNote(error, 5)}, or call roughy_wait with kind=asset first.`,
        internal: false,
      };
    case "asset_not_ready":
      return { message: `The asset is not ready yet (asset_not_ready)${about}${rid}. Call roughy_wait with kind=asset, then retry.`, internal: false };
    case "asset_failed":
      return { message: `The asset failed to process (asset_failed)${about}: ${msg}${rid}. Upload the file again with upload_media.`, internal: false };
    case "cut_not_proposed":
      return { message: `The cut is not completed yet (cut_not_proposed)${about}${rid}. Call roughy_wait with kind=cut, then retry.`, internal: false };
    case "modifier_not_ready":
      return { message: `The cut's subtitle is still being generated (modifier_not_ready)${about}${rid}. Retry after ${retryNote(error, 2)}.`, internal: false };
    case "frame_rate_required":
      return { message: `This source is audio-only, so a frame-based format needs frame_rate (frame_rate_required)${rid}. Call again with frame_rate, e.g. 25, 29.97 or 30.`, internal: false };
    case "unsupported_format":
      return { message: `Unsupported format (unsupported_format): ${msg}${rid}. Use edl, xmeml, fcpxml, otio, srt or vtt.`, internal: false };
    case "unauthenticated":
      return { message: `The Roughy API key was missing or not accepted (unauthenticated)${rid}. Check ROUGHY_API_KEY in the server's configuration.`, internal: false };
    case "forbidden":
    case "account_locked":
      return { message: `This API key may not do that (${error.code}): ${msg}${rid}. Check the account in the Roughy dashboard.`, internal: false };
    case "rate_limited":
      return { message: `Too many requests (rate_limited)${rid}. Retry after ${retryNote(error, 10)}.`, internal: false };
    case "conflict":
    case "precondition_failed":
      return { message: `Conflict with the current state (${error.code})${about}: ${msg}${rid}. Call roughy_get to see the current state.`, internal: false };
    case "payload_too_large":
    case "unsupported_media_type":
    case "bad_request":
      return { message: `The API refused the request (${error.code})${about}: ${msg}${rid}.`, internal: false };
    case "timeout":
      // The client's own message names the request that timed out (method and path, never the key).
      return {
        message: `${msg}${rid} (timeout). Roughy is slow or unreachable; retry in a minute, or raise ROUGHY_TIMEOUT_MS in the server's configuration.${typeof args.path === "string" ? " Call again with the same path to resume the upload where it stopped." : ""}`,
        internal: true,
      };
    default: {
      // 5xx, connection problems, timeouts, unparseable answers: nothing the agent can fix by changing arguments.
      // An interrupted upload is kept by the resume store, so the same call picks up where it stopped.
      const resume = typeof args.path === "string" ? " Call again with the same path to resume the upload where it stopped." : "";
      return {
        message: `Roughy did not complete the request (${error.code})${rid}. This is a server-side or network problem; retry in a minute.${resume}`,
        internal: true,
      };
    }
  }
}

/** One readable line per problem, naming the argument: "asset_id: must be an asset id ...". */
export function describeInputIssues(issues: readonly z.core.$ZodIssue[], input: unknown, known: readonly string[]): string {
  const lines = issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown argument${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")} (valid: ${known.join(", ") || "none"})`;
    }
    const name = issue.path.length > 0 ? issue.path.map(String).join(".") : "arguments";
    let value: unknown = input;
    for (const key of issue.path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
    if (value === undefined && issue.code === "invalid_type") return `${name} is required`;
    if (issue.code === "invalid_value" && "values" in issue) {
      return `${name} must be one of ${(issue.values as unknown[]).map(String).join(", ")} (got ${JSON.stringify(value)})`;
    }
    const shown = JSON.stringify(value);
    const got = shown !== undefined && shown.length <= 80 ? ` (got ${shown})` : "";
    return `${name}: ${issue.message}${got}`;
  });
  return `Invalid arguments: ${lines.join("; ")}.`;
}

export function describeError(error: unknown, args: Record<string, unknown>, facts?: PaymentFacts): DescribedError {
  if (error instanceof ToolError || error instanceof ConfigurationError) return { message: error.message, internal: false };
  if (error instanceof RoughyError) return describeRoughyError(error, args, facts);
  if (error instanceof z.ZodError) {
    // A tool's own late validation (a value that needs the backend to check).
    return { message: describeInputIssues(error.issues, args, Object.keys(args)), internal: false };
  }
  if ((error as { name?: string } | null)?.name === "AbortError") return { message: "The call was canceled.", internal: false };
  return { message: "The tool failed with an internal error; the server log has the details. Retry, or report it if it repeats.", internal: true };
}
