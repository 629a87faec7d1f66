// What a colocated tool test (src/tools/<tool>.test.ts) stands on: its own sandbox on a loopback port, a
// workspace folder the server may use (with the fixture video), and a roughy-mcp server reached through a real
// MCP client. Each test file sets up what it needs with the small steps below, so any file, and any test in
// it, runs alone: `npx vitest run src/tools/export-cut.test.ts -t "save_to"`.

import { afterAll, beforeAll, expect } from "vitest";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "./mcp-harness.js";
import { attachTruth, startWorkspace, uploadAndCut, type Workspace } from "./workspace.js";

export type ToolHarness = { sb: TestSandbox; ws: Workspace; conn: Connected };

/** Starts a sandbox, a workspace and a connected client before the file's tests, and closes them after. */
export function useToolHarness(prefix: string): ToolHarness {
  const h = {} as ToolHarness;
  beforeAll(async () => {
    h.sb = await startTestSandbox();
    h.ws = await startWorkspace(prefix);
    h.conn = await connect({ sandbox: h.sb.sandbox, allowDirs: [h.ws.dir] });
  });
  afterAll(async () => {
    await h.conn?.close();
    await h.sb?.close();
    await h.ws?.close();
  });
  return h;
}

/** The fixture uploaded through upload_media (confirmed, waited for) with its true words attached. */
export async function readyAsset(h: ToolHarness, projectName = "it"): Promise<{ assetId: string; projectId: string }> {
  const up = await h.conn.call("upload_media", { path: h.ws.media, project_name: projectName, confirm_cost: true, wait_seconds: 50 });
  expect(up.isError, textOf(up)).toBeFalsy();
  const data = up.structuredContent as { asset: { id: string }; project_id: string };
  await attachTruth(h.sb, data.asset.id);
  return { assetId: data.asset.id, projectId: data.project_id };
}

/** A completed cut of the fixture to its script. */
export async function completedCut(h: ToolHarness): Promise<{ assetId: string; cutId: string }> {
  const { assetId, cutId } = await uploadAndCut(h.conn, h.sb, h.ws.media);
  return { assetId, cutId };
}

/** A completed render (create_render waited for). */
export async function completedRender(h: ToolHarness, assetId: string, cutId: string | null, output = "m4a"): Promise<string> {
  const r = await h.conn.call("create_render", { asset_id: assetId, ...(cutId ? { cut_id: cutId } : {}), output, wait_seconds: 50 });
  expect(r.isError, textOf(r)).toBeFalsy();
  const render = (r.structuredContent as { render: { id: string; state: string } }).render;
  expect(render.state).toBe("completed");
  return render.id;
}

/**
 * Runs `body` while the sandbox holds new renders and cuts in processing (POST /sandbox/holds), so what it
 * starts is certainly unfinished; lets them go on afterwards.
 */
export async function whileHeld<T>(h: ToolHarness, what: { renders?: boolean; cuts?: boolean }, body: () => Promise<T>): Promise<T> {
  expect((await h.sb.control("POST", "/sandbox/holds", what)).status).toBe(200);
  try {
    return await body();
  } finally {
    await h.sb.control("DELETE", "/sandbox/holds");
  }
}

/** A well-formed id that names nothing. */
export const MISSING_ID = "00000000-0000-4000-8000-000000000000";
