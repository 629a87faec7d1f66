// The one tool that spends credits asks first: through elicitation where the client supports it (accepted:
// uploads; declined: nothing is created), and an unpaid asset answers cut requests with the cost, the
// balance and the way out, not a bare error code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import { FIXTURE_M4A, connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let work: string;
let media: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-cost-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  media = path.join(work, "interview.m4a");
  await copyFile(FIXTURE_M4A, media);
});

afterAll(async () => {
  await sb?.close();
  await rm(work, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

async function assetCount(conn: Awaited<ReturnType<typeof connect>>): Promise<number> {
  const r = await conn.call("roughy_list", { kind: "assets" });
  return (r.structuredContent as { total: number }).total;
}

describe("cost confirmation by elicitation", () => {
  it("declined: the user saw cost and balance, nothing was uploaded", async () => {
    const asked: ElicitRequest[] = [];
    const conn = await connect({ sandbox: sb.sandbox, roots: [work], onElicit: (req) => (asked.push(req), { action: "decline" }) });
    try {
      // Even with confirm_cost from the agent: a client that can ask the user does.
      const r = await conn.call("upload_media", { path: media, confirm_cost: true });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("did not confirm");
      expect(asked).toHaveLength(1);
      expect(asked[0]!.params.message).toMatch(/costs 1 credit\(s\); the balance is \d+/);
      expect(await assetCount(conn)).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it("accepted: the upload goes ahead, found through the client's roots", async () => {
    let asked = 0;
    const conn = await connect({
      sandbox: sb.sandbox,
      roots: [work],
      onElicit: () => {
        asked++;
        return { action: "accept", content: { confirm: true } };
      },
    });
    try {
      const r = await conn.call("upload_media", { path: "interview.m4a", wait_seconds: 50 });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(asked).toBe(1);
      const asset = (r.structuredContent as { asset: { state: string; media_type: string } }).asset;
      expect(asset.state).toBe("ready");
      expect(asset.media_type).toBe("audio");
      expect(await assetCount(conn)).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it("a client that declares elicitation but fails to ask falls back to confirm_cost", async () => {
    const conn = await connect({
      sandbox: sb.sandbox,
      allowDirs: [work],
      onElicit: () => {
        throw new Error("no UI available");
      },
    });
    try {
      const before = await assetCount(conn);
      const refused = await conn.call("upload_media", { path: media });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain("could not ask the user");
      expect(textOf(refused)).toContain("confirm_cost: true");
      expect(await assetCount(conn)).toBe(before);
      const ok = await conn.call("upload_media", { path: media, confirm_cost: true });
      expect(ok.isError, textOf(ok)).toBeFalsy();
      expect(await assetCount(conn)).toBe(before + 1);
    } finally {
      await conn.close();
    }
  });

  it("an unpaid asset: create_cut answers with cost, balance and the next step", async () => {
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [work] });
    try {
      expect((await sb.control("POST", "/sandbox/credits", { balance: 0 })).status).toBeLessThan(300);
      const up = await conn.call("upload_media", { path: media, confirm_cost: true, wait_seconds: 50 });
      expect(up.isError, textOf(up)).toBeFalsy();
      const asset = (up.structuredContent as { asset: { id: string; state: string } }).asset;
      expect(asset.state).toBe("pending_payment");
      expect(textOf(up)).toContain("top up");
      const cut = await conn.call("create_cut", { asset_id: asset.id });
      expect(cut.isError).toBe(true);
      expect(textOf(cut)).toContain("asset_payment_required");
      expect(textOf(cut)).toContain("it costs 1 credit(s); the balance is 0");
      expect(textOf(cut)).toMatch(/Top up/);
    } finally {
      await conn.close();
    }
  });
});
