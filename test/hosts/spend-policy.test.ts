// The spending policy for hosts without a person (issue 11, item 7), against a sandbox reached as a remote API
// (its credits are charged like real ones): Claude Code -p and Codex exec declare elicitation and answer
// cancel or decline with nobody there. ROUGHY_SPEND_BUDGET approves spends within it without asking and says
// what remains; beyond it the user is asked; accept without content is a yes, accept with confirm false a no;
// after an explicit no, nothing is spent for that upload again in the process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ElicitResult } from "@modelcontextprotocol/client";
import { FIXTURE_M4A, connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let work: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-spend-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  for (const name of ["a", "b", "c", "d", "e", "f"]) await copyFile(FIXTURE_M4A, path.join(work, `${name}.m4a`));
});

afterAll(async () => {
  await sb?.close();
  await rm(work, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

async function balance(): Promise<number> {
  return ((await sb.control("GET", "/v1/credits")).body as { balance: number }).balance;
}

function headless(answer: ElicitResult, budget?: string) {
  const asked: string[] = [];
  const env = { ...process.env, ...(budget !== undefined ? { ROUGHY_SPEND_BUDGET: budget } : {}) };
  if (budget === undefined) delete env.ROUGHY_SPEND_BUDGET;
  return connect({ sandbox: sb.sandbox, allowDirs: [work], server: { env }, onElicit: (req) => (asked.push(req.params.message), answer) }).then((conn) => ({ conn, asked }));
}

describe("spending without a person", () => {
  it("a budget approves spends within it without asking, says what remains, and asks beyond it", async () => {
    const { conn, asked } = await headless({ action: "cancel" }, "2");
    try {
      const before = await balance();
      const first = await conn.call("upload_media", { path: path.join(work, "a.m4a"), wait_seconds: 50 });
      expect(first.isError, textOf(first)).toBeFalsy();
      expect(textOf(first)).toContain("1 credit(s) of it left");
      const second = await conn.call("upload_media", { path: path.join(work, "b.m4a"), wait_seconds: 50 });
      expect(second.isError, textOf(second)).toBeFalsy();
      expect(textOf(second)).toContain("0 credit(s) of it left");
      expect(asked).toHaveLength(0);
      // Over the budget: the host is asked, answers cancel (nobody there), nothing is spent.
      const third = await conn.call("upload_media", { path: path.join(work, "c.m4a"), confirm_cost: true });
      expect(third.isError).toBe(true);
      expect(asked).toHaveLength(1);
      expect(textOf(third)).toContain("ROUGHY_SPEND_BUDGET");
      expect(await balance()).toBe(before - 2);
    } finally {
      await conn.close();
    }
  });

  it("accept without content is a yes; accept with confirm false is a no", async () => {
    const yes = await headless({ action: "accept" });
    try {
      const r = await yes.conn.call("upload_media", { path: path.join(work, "d.m4a"), wait_seconds: 50 });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(yes.asked).toHaveLength(1);
    } finally {
      await yes.conn.close();
    }
    const no = await headless({ action: "accept", content: { confirm: false } });
    try {
      const before = await balance();
      const r = await no.conn.call("upload_media", { path: path.join(work, "e.m4a") });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("declined");
      expect(await balance()).toBe(before);
    } finally {
      await no.conn.close();
    }
  });

  it("after an explicit decline, confirm_cost does not spend for that upload in the session", async () => {
    const before = await balance();
    const answers: Array<ElicitResult | Error> = [{ action: "decline" }, new Error("the client could not show the form")];
    const conn = await connect({
      sandbox: sb.sandbox,
      allowDirs: [work],
      onElicit: () => {
        const next = answers.shift() ?? { action: "decline" };
        if (next instanceof Error) throw next;
        return next;
      },
    });
    try {
      const first = await conn.call("upload_media", { path: path.join(work, "f.m4a") });
      expect(first.isError).toBe(true);
      expect(textOf(first)).toContain("declined");
      // The client fails to ask the second time; the agent's confirm_cost would be the fallback, but the
      // user already said no.
      const second = await conn.call("upload_media", { path: path.join(work, "f.m4a"), confirm_cost: true });
      expect(second.isError).toBe(true);
      expect(await balance()).toBe(before);
    } finally {
      await conn.close();
    }
  });
});
