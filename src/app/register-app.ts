// Serves the cut timeline view (an MCP App, SEP-1865): one self-contained HTML file built from ui/ by vite
// at package build time, read once and served as `ui://roughy/cut-timeline.html`. Hosts without MCP Apps
// support never read it and keep getting the cut tools' text and structured results as before.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ErrorCode, ReadResourceRequestSchema, type ReadResourceRequest, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerAppResource, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import type { AnyToolDefinition } from "../tools/define-tool.js";
import { cutTimeline } from "./cut-timeline-tool.js";
import { CUT_TIMELINE_URI } from "./uri.js";
import { ProtocolError } from "../server/protocol-error.js";
import { quoteUri } from "../resources/uris.js";

export { CUT_TIMELINE_URI, CUT_TIMELINE_META } from "./uri.js";

/** Tools only the view calls; registered with the others so that the one wrapper handles them. */
export const APP_TOOLS: readonly AnyToolDefinition[] = [cutTimeline];

// Built next to this module (dist/app/); from the sources (tests, tsx) the built copy in dist/app/.
const CANDIDATES = [new URL("./cut-timeline.html", import.meta.url), new URL("../../dist/app/cut-timeline.html", import.meta.url)];

export function cutTimelineHtmlPath(): string | null {
  for (const url of CANDIDATES) {
    const file = fileURLToPath(url);
    if (existsSync(file)) return file;
  }
  return null;
}

type ReadHandler = (request: ReadResourceRequest, extra: unknown) => Promise<ReadResourceResult>;

/**
 * Registers the view. The server answers resources/read with its own handler (src/resources), which
 * rejects any URI it does not know; so the handler installed before this call is kept and wrapped:
 * ui:// URIs are ours, everything else goes to it. Must run after registerResources.
 */
export function registerApp(mcp: McpServer, options: { htmlPath?: string } = {}): void {
  let html: string | null = null;
  const read = async (): Promise<ReadResourceResult> => {
    if (html === null) {
      const file = options.htmlPath ?? cutTimelineHtmlPath();
      if (!file) throw new ProtocolError(ErrorCode.InternalError, "The cut timeline view was not built (npm run build makes dist/app/cut-timeline.html).");
      html = readFileSync(file, "utf8");
    }
    return {
      contents: [
        {
          uri: CUT_TIMELINE_URI,
          mimeType: RESOURCE_MIME_TYPE,
          text: html,
          // No network at all: the view reads everything from tool results (the spec's default CSP).
          _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } },
        },
      ],
    };
  };
  // Listed in resources/list (hosts may prefetch it); the read below answers for it.
  registerAppResource(
    mcp,
    "cut-timeline",
    CUT_TIMELINE_URI,
    { title: "Cut timeline", description: "Interactive timeline of a cut: kept spans, dropped gaps, kept words, export and render.", mimeType: RESOURCE_MIME_TYPE },
    read,
  );
  // The SDK keeps request handlers in a private map and offers no getter: read it once, here.
  const handlers = (mcp.server as unknown as { _requestHandlers?: Map<string, ReadHandler> })._requestHandlers;
  const previous = handlers?.get("resources/read");
  if (!previous) throw new Error("registerApp must run after the resources/read handler is installed");
  mcp.server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    if (request.params.uri === CUT_TIMELINE_URI) return read();
    if (request.params.uri.startsWith("ui://")) throw new ProtocolError(ErrorCode.InvalidParams, `Unknown resource ${quoteUri(request.params.uri)}`);
    return previous(request, extra);
  });
}
