// Asks before money is spent. Where the client supports elicitation the user confirms in a form (even when
// the agent passed confirm_cost); other clients must pass confirm_cost: true, which the agent should only
// do after telling the user the price.
// Shared by upload_media and the cut_to_script job; quoteUpload is the measurement estimate_cost and
// upload_media both state.

import { type ToolContext } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { quoteLocalUpload, type UploadQuote as OperationQuote } from "../operations/quote.js";
import type { RoughyClient } from "../client/index.js";

export type CostQuote = {
  credits: number;
  balance: number;
  /** What is being paid for, e.g. "Uploading interview.mp4 (3.2 min)". */
  what: string;
};

export type CostDecision = { via: "free" | "sandbox" | "argument" | "elicitation" | "budget"; remaining?: number };

/** How the spend was approved, for the answer: "approved by the operator's budget (7 of 10 credits left)". */
export function describeDecision(decision: CostDecision): string {
  if (decision.via === "budget") return ` Approved by the operator's spending budget (ROUGHY_SPEND_BUDGET); ${decision.remaining ?? 0} credit(s) of it left.`;
  return "";
}

export async function confirmCost(ctx: Pick<ToolContext, "elicit" | "mode" | "signal" | "budget">, quote: CostQuote, confirmCost?: boolean): Promise<CostDecision> {
  if (quote.credits <= 0) return { via: "free" };
  // The sandbox's credits are simulated: nothing real is spent, so nothing to confirm.
  if (ctx.mode === "sandbox") return { via: "sandbox" };
  const budget = ctx.budget;
  const declined = budget?.wasDeclined(quote.what) ?? false;
  // The operator approved spends up to the budget ahead of time: nobody is asked (a headless host's
  // elicitation would answer cancel with nobody there).
  if (budget?.take(quote.credits, quote.what)) return { via: "budget", remaining: budget.budget?.remaining ?? 0 };
  const shortfall = quote.balance < quote.credits ? ` The balance does not cover it: the asset will wait for payment until you top up.` : "";
  const price = `${quote.what} costs ${quote.credits} credit(s); the balance is ${quote.balance}.${shortfall}`;
  const overBudget = budget?.budget && !declined ? ` It is over what is left of the operator's budget (${budget.budget.remaining} credit(s)).` : "";
  // A client that can ask the user always does: confirm_cost is for clients that cannot, so an agent
  // cannot skip the user's say where the user could have been asked, nor override a "no".
  if (confirmCost === true && !ctx.elicit && !declined) return { via: "argument" };
  if (!ctx.elicit) {
    const why = declined ? " The user declined this spend earlier; it is not made again without the user's yes." : "";
    throw new ToolError(`${price}${overBudget}${why} Nothing was uploaded. Tell the user the cost, then call again with confirm_cost: true.`);
  }
  let answer;
  try {
    answer = await ctx.elicit({
      mode: "form",
      message: `${price} Continue?`,
      requestedSchema: {
        type: "object",
        properties: { confirm: { type: "boolean", title: "Spend the credits", description: `Spend ${quote.credits} credit(s)`, default: true } },
        required: ["confirm"],
      },
    });
  } catch (error) {
    if ((error as { name?: string }).name === "AbortError" || ctx.signal.aborted) throw error;
    // The client declared elicitation but could not ask: fall back to the agent's explicit confirmation.
    if (confirmCost === true && !(budget?.wasDeclined(quote.what) ?? false)) return { via: "argument" };
    throw new ToolError(`${price} The client could not ask the user. Nothing was uploaded. Tell the user the cost, then call again with confirm_cost: true.`);
  }
  // The rule for accept: the form has one field, defaulting to yes. Accept with confirm true, or with no
  // content at all (a client that does not fill in defaults), is a yes; accept with confirm false is a no.
  if (answer.action === "accept" && answer.content?.confirm !== false) return { via: "elicitation" };
  const explicitNo = answer.action === "decline" || (answer.action === "accept" && answer.content?.confirm === false);
  if (explicitNo) budget?.decline(quote.what);
  const headless =
    answer.action === "cancel" ? " A host without a person (claude -p, codex exec) answers cancel: the operator can set ROUGHY_SPEND_BUDGET to approve spends up to a number of credits." : "";
  throw new ToolError(`The user did not confirm spending ${quote.credits} credit(s) (${explicitNo ? "declined" : answer.action}). Nothing was uploaded or charged.${headless}`);
}

export type UploadQuote = OperationQuote & { client: RoughyClient };

/** quoteLocalUpload for the `path` argument of a tool call, with the client it read the balance from. */
export async function quoteUpload(ctx: ToolContext, pathArg: string): Promise<UploadQuote> {
  const quote = await quoteLocalUpload(ctx.files, () => ctx.client(), pathArg, "path", ctx.signal);
  return { ...quote, client: await ctx.client() };
}
