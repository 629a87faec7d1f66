// get_credits against a real sandbox through a real MCP client: the balance, the ledger and the account;
// lenient arguments; and what a backend that is down gives.
import { describe, expect, it } from "vitest";
import { connect, textOf } from "../../test/helpers/mcp-harness.js";
import { useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-get-credits-");

describe("get_credits", () => {
  it("balance, ledger and account", async () => {
    const r = await h.conn.call("get_credits", {});
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { balance: number; mode: string; ledger: unknown[] };
    expect(data.balance).toBeGreaterThan(0);
    expect(data.mode).toBe("remote");
    expect(textOf(r)).toMatch(/Balance: \d+/);
  });

  it("ignores an undeclared argument and a null optional one", async () => {
    const unknown = await h.conn.call("get_credits", { verbose: true, ledger_limit: null });
    expect(unknown.isError, textOf(unknown)).toBeFalsy();
    expect((unknown.structuredContent as { ledger: unknown[] }).ledger.length).toBeLessThanOrEqual(10);
  });

  it("a backend that is down gives a short generic error and logs the detail", async () => {
    const down = await connect({ allowDirs: [h.ws.dir] });
    try {
      const r = await down.call("get_credits", {});
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("connection_error");
      expect(textOf(r)).toContain("retry");
      expect(textOf(r)).not.toContain("ECONNREFUSED");
      expect(down.logs.join("\n")).toContain("get_credits failed");
    } finally {
      await down.close();
    }
  });
});
