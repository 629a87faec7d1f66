// A small MCP Apps host for tests: the view's HTML (as the server's resources/read returns it) is served
// from loopback with the spec's default CSP into a sandboxed iframe (scripts only, opaque origin) of a host
// page in headless Chromium. The host page only relays postMessage traffic; the ext-apps AppBridge runs
// here in Node, connected to the real server through the SDK Client, as a host's bridge would be.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import type { Transport } from "@modelcontextprotocol/client";
import type { JSONRPCMessage } from "@modelcontextprotocol/client";

/** The CSP a host must apply when a UI resource declares none (SEP-1865, "Restrictive Default"). */
export const DEFAULT_APP_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' data:",
  "connect-src 'none'",
].join("; ");

const HOST_PAGE = (viewUrl: string, width: number): string => `<!doctype html>
<html><head><meta charset="utf-8"><title>test host</title>
<style>body{margin:0;background:#ddd}iframe{border:0;display:block;background:transparent}</style></head>
<body><iframe id="view" sandbox="allow-scripts" width="${width}" height="200" src="${viewUrl}"></iframe>
<script>
  const frame = document.getElementById("view");
  window.addEventListener("message", (e) => { if (e.source === frame.contentWindow) window.__toBridge(e.data); });
  window.__toView = (m) => frame.contentWindow.postMessage(m, "*");
  window.__resize = (h) => { frame.height = String(Math.ceil(h)); };
</script></body></html>`;

export type TestHostServer = { hostUrl(width: number): string; close(): Promise<void> };

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
    const width = Number(new URL(req.url ?? "/", "http://x").searchParams.get("w") ?? "720");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(HOST_PAGE(`${view.origin}/view.html`, width));
  });
  return {
    hostUrl: (width) => `${host.origin}/host.html?w=${width}`,
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
