// get_credits: the balance, the recent ledger and the account, in one read. Reading the balance is also
// the documented way to check that an API key works, so this is the first call an agent makes.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { viewLedgerEntry } from "./views.js";

const ledgerEntry = z.object({
  kind: z.string(),
  amount: z.number(),
  asset_id: z.string().nullable(),
  minutes: z.number().nullable(),
  balance_after: z.number().nullable(),
  created_at: z.string(),
});

export const getCredits = defineTool({
  name: "get_credits",
  title: "Credits and account",
  description:
    "Credit balance (uploads cost 1 credit per source minute; all else is free), latest ledger entries and the account. Free.",
  inputSchema: {
    ledger_limit: z.number().int().min(0).max(50).optional().describe("ledger entries (default 10)"),
  },
  outputSchema: {
    balance: z.number(),
    currency: z.string(),
    account: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
    ledger: z.array(ledgerEntry),
    ledger_total: z.number(),
    mode: z.enum(["sandbox", "remote"]),
  },
  toolsets: ["credits"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const limit = args.ledger_limit ?? 10;
    const [credits, ledger, me] = await Promise.all([
      client.credits.get(),
      limit > 0 ? client.credits.ledger({ limit }) : client.credits.ledger({ limit: 1 }),
      // users/me is [inferred]: a backend without it still answers the balance.
      client.users.me().catch(() => null),
    ]);
    const entries = (limit > 0 ? ledger.items : []).map(viewLedgerEntry);
    const account = me ? { id: me.id, email: me.email ?? null, name: me.name ?? null } : null;
    const who = account?.email ? ` for ${account.email}` : "";
    const where = ctx.mode === "sandbox" ? " (offline sandbox: credits are simulated)" : "";
    const next = "estimate_cost for a file, then upload_media.";
    return {
      data: { balance: credits.balance, currency: credits.currency ?? "credits", account, ledger: entries, ledger_total: ledger.total, mode: ctx.mode, next_step: next },
      summary: `Balance: ${credits.balance} ${credits.currency ?? "credits"}${who}${where}; ${ledger.total} ledger entries (${entries.length} shown). Next: ${next}`,
    };
  },
});
