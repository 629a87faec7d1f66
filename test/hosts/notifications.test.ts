// Notifications only where the client asked for them (issue 11, item 10): the AI SDK's MCP client reports
// every notification it did not ask for as "Unsupported message type". A log waits for logging/setLevel and
// respects its level; resources/list_changed waits until the client has listed resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, uploadAndCut, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let ws: Workspace;

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-notify-");
});
afterAll(async () => {
  await sb?.close();
  await ws?.close();
});

describe("notifications a client did not ask for", () => {
  it("sends no log before logging/setLevel and none below the level set; no list_changed before resources/list", async () => {
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
    try {
      const logs: string[] = [];
      let listChanged = 0;
      conn.client.setNotificationHandler("notifications/message", (n) => void logs.push(`${n.params.level}: ${String(n.params.data)}`));
      conn.client.setNotificationHandler("notifications/resources/list_changed", () => void listChanged++);
      // An upload and a cut that completes in the call: work that would announce a new cut.
      const { assetId, cut } = await uploadAndCut(conn, sb, ws.media);
      expect((cut.structuredContent as { cut: { state: string } }).cut.state).toBe("completed");
      // A server-side failure, which the server logs at level "error".
      const failing = async () => {
        await sb.control("POST", "/sandbox/faults", { path: "/v1/credits", count: 50, status: 500 });
        const r = await conn.call("get_credits", {});
        await sb.control("DELETE", "/sandbox/faults");
        expect(r.isError).toBe(true);
      };
      await failing();
      expect(listChanged).toBe(0);
      expect(logs).toEqual([]);

      await conn.client.setLoggingLevel("critical");
      await failing();
      expect(logs).toEqual([]);
      await conn.client.setLoggingLevel("error");
      await failing();
      while (logs.length === 0) await new Promise((r) => setTimeout(r, 50));
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^error: get_credits failed/);

      await conn.client.listResources();
      const again = await conn.call("create_cut", { asset_id: assetId, script: "Thanks for having me.", wait_seconds: 50 });
      expect(again.isError, textOf(again)).toBeFalsy();
      while (listChanged === 0) await new Promise((r) => setTimeout(r, 50));
      expect(listChanged).toBe(1);
    } finally {
      await conn.close();
    }
  });
});
