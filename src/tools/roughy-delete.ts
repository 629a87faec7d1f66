// delete: removes a project, asset, cut or webhook. Deletes cascade on the service (a project takes its
// assets, cuts and renders; an asset its cuts and renders; a cut its subtitle and renders), and the
// answer says so. Credits already charged are not refunded.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { uuid } from "./shared-params.js";
import { KINDS as KIND_TABLE, kindsWhere, toolsetsOf } from "../vocabulary/kinds.js";

/** What delete serves, from the kind table: a render is canceled, not deleted, so renders is not its toolset. */
const KINDS = kindsWhere("delete") as ["project", "asset", "cut", "webhook"];

const CASCADE: Record<(typeof KINDS)[number], string> = {
  project: "with its assets, cuts and renders",
  asset: "with its cuts and renders",
  cut: "with its subtitle and renders (in-flight renders were canceled)",
  webhook: "",
};

export const roughyDelete = defineTool({
  name: "roughy_delete",
  title: "Delete an item",
  description:
    "Permanently deletes a Roughy project, asset, cut or webhook with everything under it. No refund. Ids from roughy_list.",
  inputSchema: {
    kind: z.enum(KINDS).describe("project, asset, cut or webhook"),
    id: uuid("must be a UUID as returned by roughy_list or the tool that created the item").describe("its id"),
  },
  outputSchema: { kind: z.enum(KINDS), id: z.string(), deleted: z.boolean() },
  toolsets: toolsetsOf(KINDS),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const o = { signal: ctx.signal };
    switch (args.kind) {
      case "project":
        await client.projects.delete(args.id, o);
        break;
      case "asset":
        await client.assets.delete(args.id, o);
        break;
      case "cut":
        await client.cuts.delete(args.id, o);
        break;
      case "webhook":
        await client.webhooks.delete(args.id, o);
        break;
    }
    const cascade = CASCADE[args.kind] ? ` ${CASCADE[args.kind]}` : "";
    const next = `roughy_list kind=${KIND_TABLE[args.kind].plural} to see what remains.`;
    return {
      data: { kind: args.kind, id: args.id, deleted: true, next_step: next },
      summary: `Deleted ${args.kind} ${args.id}${cascade}. Next: ${next}`,
    };
  },
});
