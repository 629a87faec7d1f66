// A small MCP Apps host for tests: the view's HTML (as the server's resources/read returns it) is served
// from loopback with the spec's default CSP into a sandboxed iframe (scripts only, opaque origin) of a host
// page in headless Chromium. The host page only relays postMessage traffic; the ext-apps AppBridge runs
// here in Node, connected to the real server through the SDK Client, as a host's bridge would be.

import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { BrowserContext, Frame, Page } from "playwright-core";
import { AppBridge } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { CallToolResult, Client, JSONRPCMessage, Tool, Transport } from "@modelcontextprotocol/client";
import { CALL_TIMEOUT_MS } from "../helpers/mcp-harness.js";

/**
 * Builds the view with the package's vite config (ui/vite.config.ts), so a test always sees the current page;
 * `outDir` keeps one test file's build from racing another's, and the built HTML is returned.
 */
export async function buildView(outDir?: string): Promise<string> {
  const { build } = await import("vite");
  await build({ configFile: path.resolve("ui/vite.config.ts"), logLevel: "silent", ...(outDir ? { build: { outDir } } : {}) });
  return outDir ? readFile(path.join(outDir, "cut-timeline.html"), "utf8") : "";
}

/** The CSP a host must apply when a UI resource declares none (SEP-1865, "Restrictive Default"). */
export const DEFAULT_APP_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' data:",
  "connect-src 'none'",
].join("; ");

const HOST_PAGE = (viewUrl: string, width: number, allow: string): string => `<!doctype html>
<html><head><meta charset="utf-8"><title>test host</title>
<style>body{margin:0;background:#ddd}iframe{border:0;display:block;background:transparent}</style></head>
<body><iframe id="view" sandbox="allow-scripts"${allow ? ` allow="${allow.replace(/[^a-z;\s-]/g, "")}"` : ""} width="${width}" height="200" src="${viewUrl}"></iframe>
<script>
  const frame = document.getElementById("view");
  window.addEventListener("message", (e) => { if (e.source === frame.contentWindow) window.__toBridge(e.data); });
  window.__toView = (m) => frame.contentWindow.postMessage(m, "*");
  window.__resize = (h) => { frame.height = String(Math.ceil(h)); };
</script></body></html>`;

export type TestHostServer = { hostUrl(width: number, allow?: string): string; close(): Promise<void> };

/** Serves the host page and the view (the view from a second port: another origin). */
export async function serveHost(viewHtml: string): Promise<TestHostServer> {
  const listen = async (handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; origin: string }> => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const view = await listen((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": DEFAULT_APP_CSP, "cache-control": "no-store" });
    res.end(viewHtml);
  });
  const host = await listen((req, res) => {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(HOST_PAGE(`${view.origin}/view.html`, Number(query.get("w") ?? "720"), query.get("allow") ?? ""));
  });
  return {
    hostUrl: (width, allow) => `${host.origin}/host.html?w=${width}${allow ? `&allow=${encodeURIComponent(allow)}` : ""}`,
    async close() {
      for (const s of [view.server, host.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

/** A Transport for the AppBridge whose other end is the view, through the host page's relay. */
export class PageRelayTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private page: Page | null = null;

  /** Call before the page loads: the view speaks first (ui/initialize). */
  async attach(page: Page): Promise<void> {
    this.page = page;
    await page.exposeFunction("__toBridge", (message: JSONRPCMessage) => this.onmessage?.(message));
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.page || this.page.isClosed()) return;
    // The page's own relay function; typed loosely because this project compiles without DOM types.
    await this.page.evaluate((m) => (globalThis as unknown as { __toView(m: unknown): void }).__toView(m), message as unknown as Record<string, unknown>);
  }

  async close(): Promise<void> {
    this.onclose?.();
  }
}

/** What a test sees of the host while a view is open: the app's tool calls, console errors, size requests. */
/** Waits for something the host records or the view shows (no time bound: the test's own timeout is the only one). */
export async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 20));
}

export type HostLog = {
  appCalls: string[];
  /** Each call the view made, with its arguments and a promise settled when its answer went back. */
  calls: { name: string; arguments: Record<string, unknown>; answered: Promise<unknown> }[];
  consoleErrors: string[];
  heights: number[];
};

export const newHostLog = (): HostLog => ({ appCalls: [], calls: [], consoleErrors: [], heights: [] });

export type OpenedView = { page: Page; view: Frame; bridge: AppBridge };

/**
 * Opens the host page with the view in its iframe and an AppBridge relaying to the real server through
 * `client`, as a host does: tools/call only for tools whose visibility includes the app.
 */
export async function openView(options: {
  context: BrowserContext;
  host: TestHostServer;
  client: Client;
  tools: Tool[];
  width: number;
  theme: "light" | "dark";
  serverTools?: boolean;
  log: HostLog;
  /** Awaited before a tool call's answer goes back to the view: lets a test hold answers back, as a slow network does. */
  hold?: (call: { name: string; arguments: Record<string, unknown> }) => Promise<void>;
  /** Host capabilities beyond tool calls and logging (for example message, updateModelContext). */
  hostCapabilities?: Record<string, unknown>;
  /** The iframe's permissions policy (`allow`), as a host that delegates, say, clipboard-write sets it. */
  frameAllow?: string;
  /** Host context beyond theme and size (for example availableDisplayModes). */
  hostContext?: Record<string, unknown>;
}): Promise<OpenedView> {
  const { log, width, theme } = options;
  const page = await options.context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") log.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => log.consoleErrors.push(String(e)));
  const transport = new PageRelayTransport();
  await transport.attach(page);
  const serverTools = options.serverTools ?? true;
  // No client given: the bridge then leaves tools/call to us, and we forward it as a host does.
  const bridge = new AppBridge(null, { name: "roughy-test-host", version: "0.0.0" }, { ...(serverTools ? { serverTools: {} } : {}), logging: {}, ...options.hostCapabilities }, {
    hostContext: {
      theme,
      displayMode: "inline",
      platform: "web",
      containerDimensions: { width, maxHeight: 6000 },
      styles: { variables: { "--color-background-primary": theme === "dark" ? "rgb(20, 22, 30)" : "rgb(255, 255, 255)" } as never },
      ...options.hostContext,
    },
  });
  const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) {
      log.heights.push(height);
      void page.evaluate(`window.__resize(${Number(height)})`).catch(() => {});
    }
  };
  bridge.oncalltool = async (params) => {
    const tool = options.tools.find((t) => t.name === params.name);
    const visibility = (tool?._meta as { ui?: { visibility?: string[] } } | undefined)?.ui?.visibility;
    if (!tool || (visibility && !visibility.includes("app"))) throw new Error(`tool ${params.name} is not available to apps`);
    log.appCalls.push(params.name);
    const call = { name: params.name, arguments: (params.arguments ?? {}) as Record<string, unknown> };
    const answer = (options.client.callTool(params, { timeout: CALL_TIMEOUT_MS }) as Promise<CallToolResult>).then(async (r) => {
      await options.hold?.(call);
      return r;
    });
    log.calls.push({ ...call, answered: answer.catch(() => {}) });
    return await answer;
  };
  await bridge.connect(transport);
  await page.goto(options.host.hostUrl(width, options.frameAllow));
  await initialized;
  const view = page.frames().find((f) => f.url().endsWith("/view.html"));
  if (!view) throw new Error("the view's frame did not load");
  return { page, view, bridge };
}

/** A node of Chromium's own accessibility tree (CDP Accessibility.getFullAXTree), with what the checks need. */
export type AXNode = { id: string; role: string; name: string; ignored: boolean; focusable: boolean; properties: Record<string, unknown>; children: string[]; parent?: string };

/**
 * The view's accessibility tree as Chromium builds it for assistive technology: through a CDP session on the
 * view's frame when it runs in its own process (a sandboxed iframe usually does), else on the page for that frame.
 */
export async function accessibilityTree(page: Page, view: Frame): Promise<AXNode[]> {
  type Raw = { nodeId: string; ignored: boolean; role?: { value?: string }; name?: { value?: string }; properties?: { name: string; value: { value?: unknown } }[]; childIds?: string[]; parentId?: string };
  let raw: Raw[];
  try {
    const session = await page.context().newCDPSession(view);
    raw = ((await session.send("Accessibility.getFullAXTree")) as { nodes: Raw[] }).nodes;
    await session.detach();
  } catch {
    const session = await page.context().newCDPSession(page);
    type Tree = { frame: { id: string; url: string }; childFrames?: Tree[] };
    const find = (t: Tree): string | null => (t.frame.url === view.url() ? t.frame.id : (t.childFrames ?? []).map(find).find(Boolean) ?? null);
    const frameId = find(((await session.send("Page.getFrameTree")) as { frameTree: Tree }).frameTree);
    raw = ((await session.send("Accessibility.getFullAXTree", { frameId: frameId ?? undefined })) as { nodes: Raw[] }).nodes;
    await session.detach();
  }
  return raw.map((n) => {
    const properties = Object.fromEntries((n.properties ?? []).map((p) => [p.name, p.value.value]));
    return { id: n.nodeId, role: n.role?.value ?? "", name: n.name?.value ?? "", ignored: n.ignored, focusable: properties.focusable === true, properties, children: n.childIds ?? [], ...(n.parentId ? { parent: n.parentId } : {}) };
  });
}
