// list: every collection behind one tool (projects, assets, cuts, renders, webhooks, the credit ledger),
// newest first, with the filters the API has and an explicit "N more, call with offset=..." so an agent
// pages instead of guessing.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { assetId, cutId, limit, offset, projectId } from "./shared-params.js";
import { viewAsset, viewCut, viewLedgerEntry, viewProject, viewRender, viewWebhook } from "./views.js";
import type { AssetState, CutState, RenderState } from "../client/index.js";
import { kindsWhere, pluralsWhere, toolsetsOf } from "../vocabulary/kinds.js";

/** The plural names of the kinds list serves (kind table), in its order. */
const KINDS = pluralsWhere("list") as ["projects", "assets", "cuts", "renders", "webhooks", "ledger"];
type Kind = (typeof KINDS)[number];

/** Which filters each kind takes (the API's query parameters). */
const FILTERS: Record<Kind, readonly string[]> = {
  projects: [],
  assets: ["project_id", "state"],
  cuts: ["asset_id", "project_id", "state"],
  renders: ["asset_id", "cut_id", "state"],
  webhooks: [],
  ledger: [],
};

type Row = Record<string, unknown> & { id: string };

/** Budget for the page's items as JSON, and for lines in the text; the whole answer stays under 20,000 characters. */
const MAX_ITEMS_JSON = 14_000;
const MAX_TEXT_LINES = 25;

function line(kind: Kind, r: Row): string {
  const bits: string[] = [String(r.id)];
  for (const key of ["name", "filename", "state", "output", "kind", "amount", "url"]) {
    if (r[key] !== null && r[key] !== undefined) bits.push(`${key}=${String(r[key])}`);
  }
  if (kind === "cuts" || kind === "renders") bits.push(`asset_id=${String(r.asset_id)}`);
  return `- ${bits.join(" ")}`;
}

export const roughyList = defineTool({
  name: "roughy_list",
  title: "List items",
  description:
    "Lists Roughy projects, assets, cuts, renders, webhooks or the credit ledger, newest first, with filters and paging. Free. Finds ids.",
  inputSchema: {
    kind: z.enum(KINDS).describe("projects, assets, cuts, renders, webhooks or ledger"),
    project_id: projectId.optional(),
    asset_id: assetId.optional(),
    cut_id: cutId.optional(),
    state: z.string().max(40).optional().describe("state, e.g. ready or completed"),
    limit,
    offset,
  },
  outputSchema: {
    kind: z.enum(KINDS),
    items: z.array(z.looseObject({ id: z.string() })),
    total: z.number(),
    offset: z.number(),
    next_offset: z.number().nullable(),
  },
  toolsets: toolsetsOf(kindsWhere("list")),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const kind = args.kind;
    const given = (["project_id", "asset_id", "cut_id", "state"] as const).filter((k) => args[k] !== undefined);
    const wrong = given.filter((k) => !FILTERS[kind].includes(k));
    if (wrong.length > 0) {
      const allowed = FILTERS[kind].length > 0 ? FILTERS[kind].join(", ") : "none";
      throw new ToolError(`${wrong.join(", ")} cannot filter ${kind} (filters for ${kind}: ${allowed}). Remove it and call again.`);
    }
    const client = await ctx.client();
    const page = { limit: args.limit ?? 20, offset: args.offset ?? 0, signal: ctx.signal };
    let result: { items: Row[]; total: number; offset: number };
    switch (kind) {
      case "projects": {
        const p = await client.projects.list(page);
        result = { ...p, items: p.items.map(viewProject) };
        break;
      }
      case "assets": {
        const p = await client.assets.list({ ...page, project_id: args.project_id, state: args.state as AssetState | undefined });
        result = { ...p, items: p.items.map(viewAsset) };
        break;
      }
      case "cuts": {
        const p = await client.cuts.list({ ...page, asset_id: args.asset_id, project_id: args.project_id, state: args.state as CutState | undefined });
        result = { ...p, items: p.items.map(viewCut) };
        break;
      }
      case "renders": {
        const p = await client.renders.list({ ...page, asset_id: args.asset_id, cut_id: args.cut_id, state: args.state as RenderState | undefined });
        result = { ...p, items: p.items.map(viewRender) };
        break;
      }
      case "webhooks": {
        const p = await client.webhooks.list(page);
        result = { ...p, items: p.items.map(viewWebhook) };
        break;
      }
      case "ledger": {
        const p = await client.credits.ledger(page);
        result = {
          ...p,
          items: p.items.map((e) => ({ id: e.id, ...viewLedgerEntry(e) })),
        };
        break;
      }
    }
    // Keep the answer under the wrapper's cap: drop items from the end of the page (the agent pages on
    // with next_offset) rather than cutting a JSON answer in the middle.
    while (result.items.length > 1 && JSON.stringify(result.items).length > MAX_ITEMS_JSON) result.items.pop();
    if (result.items.length === 0 && result.total > 0 && result.offset >= result.total) {
      // Not "none yet": there are some, the offset just skipped them all.
      throw new ToolError(`offset ${result.offset} is past the end: there are ${result.total} ${kind}. Call again with offset 0 to ${result.total - 1}.`);
    }
    const shownEnd = result.offset + result.items.length;
    const more = Math.max(0, result.total - shownEnd);
    const nextOffset = more > 0 ? shownEnd : null;
    const head =
      result.items.length === 0
        ? `No ${kind}${given.length > 0 ? " match these filters" : " yet"} (total ${result.total}).`
        : `${kind} ${result.offset + 1}-${shownEnd} of ${result.total}:`;
    const next =
      more > 0
        ? `${more} more, call with offset=${shownEnd}.`
        : kind === "assets" || kind === "cuts" || kind === "renders"
          ? "roughy_get with kind and id for details."
          : "use an id from the list.";
    return {
      data: { kind, items: result.items, total: result.total, offset: result.offset, next_offset: nextOffset, next_step: next },
      summary:
        [head, ...result.items.slice(0, MAX_TEXT_LINES).map((r) => line(kind, r))].join("\n") +
        (result.items.length > MAX_TEXT_LINES ? `\n(${result.items.length - MAX_TEXT_LINES} more on this page in the structured result)` : "") +
        (more > 0 ? `\n${next}` : `\nNext: ${next}`),
    };
  },
});
