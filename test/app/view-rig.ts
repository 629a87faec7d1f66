// What a view test at scale stands on: a sandbox, a workspace the server may read, the MCP server connected
// through a client that offers MCP Apps, the view built fresh and served by the test host, and headless Chromium
// when it is installed (null otherwise: the browser tests are then skipped with their file's own condition).

import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { Tool } from "@modelcontextprotocol/client";
import { connect, startTestSandbox, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";
import { buildView, serveHost, type TestHostServer } from "./host.js";

const CHROMIUM = process.env.ROUGHY_CHROMIUM ?? "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

export type ViewRig = {
  sb: TestSandbox;
  conn: Connected;
  ws: Workspace;
  tools: Tool[];
  context: BrowserContext | null;
  hostServer: TestHostServer | null;
  close(): Promise<void>;
};

export async function startViewRig(prefix: string, options: { copyMedia?: boolean } = {}): Promise<ViewRig> {
  const outDir = await mkdtemp(path.join(tmpdir(), "roughy-mcp-view-"));
  const sb = await startTestSandbox();
  const ws = await startWorkspace(prefix, options);
  const conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir], capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [RESOURCE_MIME_TYPE] } } } });
  const tools = (await conn.client.listTools()).tools;
  let context: BrowserContext | null = null;
  let hostServer: TestHostServer | null = null;
  let profile = "";
  if (HAVE_CHROMIUM) {
    hostServer = await serveHost(await buildView(outDir));
    profile = await mkdtemp(path.join(tmpdir(), "roughy-mcp-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  }
  return {
    sb, conn, ws, tools, context, hostServer,
    async close() {
      await context?.close().catch(() => {});
      for (const open of [hostServer, conn, sb, ws]) await open?.close();
      for (const dir of [outDir, profile]) if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
