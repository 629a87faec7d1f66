// The operator's spending policy for hosts that run without a person: Claude Code -p and Codex exec declare
// elicitation and then answer `cancel` or `decline` with nobody there, so no upload could ever be paid for.
// ROUGHY_SPEND_BUDGET=N (credits) approves spends within N for the life of the server process, without
// asking, and each answer says what remains; beyond it the usual confirmation applies. A spend the user
// explicitly declined is not made later in the same session, whatever the budget or confirm_cost says.


/** The process's budget: shared by every session of the server process. */
export class SpendBudget {
  private spent = 0;

  constructor(readonly total: number) {}

  get remaining(): number {
    return Math.max(0, this.total - this.spent);
  }

  take(credits: number): boolean {
    if (credits > this.remaining) return false;
    this.spent += credits;
    return true;
  }
}

/** One session's view of the policy: the process's budget (if any) and the spends this session's user declined. */
export class SpendPolicy {
  private readonly declined = new Set<string>();

  constructor(readonly budget: SpendBudget | null) {}

  /** Takes `credits` from the budget for `key` unless that spend was declined or the budget is short. */
  take(credits: number, key: string): boolean {
    return !this.declined.has(key) && this.budget !== null && this.budget.take(credits);
  }

  decline(key: string): void {
    this.declined.add(key);
  }

  wasDeclined(key: string): boolean {
    return this.declined.has(key);
  }
}

/** Parses ROUGHY_SPEND_BUDGET: a whole number of credits, 0 or more; unset means no budget. */
export function parseSpendBudget(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`ROUGHY_SPEND_BUDGET must be a whole number of credits (0 or more), not "${value}".`);
  return n;
}

// One budget per process and setting: it must not start over with each session or request.
const budgets = new Map<number, SpendBudget>();

/** The process's budget for ROUGHY_SPEND_BUDGET, or null when it is not set. */
export function processBudget(env: NodeJS.ProcessEnv): SpendBudget | null {
  const total = parseSpendBudget(env.ROUGHY_SPEND_BUDGET);
  if (total === null) return null;
  let budget = budgets.get(total);
  if (!budget) budgets.set(total, (budget = new SpendBudget(total)));
  return budget;
}
