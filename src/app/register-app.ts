// Serves the cut timeline view (an MCP App, SEP-1865): one self-contained HTML file built from ui/ by vite
// at package build time, read once and served as `ui://roughy/cut-timeline.html`. Hosts without MCP Apps
// support never read it and keep getting the cut tools' text and structured results as before.
// The app owns no protocol method: it contributes its tools (to the tools owner) and one fixed resource (to
// the resources owner), described with ext-apps' constants.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ReadResourceResult } from "@modelcontextprotocol/server";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import type { AnyToolDefinition } from "../tools/define-tool.js";
import type { FixedResource } from "../resources/register-resources.js";
import { cutTimeline } from "./cut-timeline-tool.js";
import { cutAudio } from "./cut-audio-tool.js";
import { CUT_TIMELINE_URI } from "../vocabulary/uris.js";
import { ProtocolError, ProtocolErrorCode } from "../vocabulary/errors.js";

export { CUT_TIMELINE_URI, CUT_TIMELINE_META } from "../vocabulary/uris.js";

/** Tools only the view calls; served with the others so that the one wrapper handles them. */
export const APP_TOOLS: readonly AnyToolDefinition[] = [cutTimeline, cutAudio];

// Built next to this module (dist/app/); from the sources (tests, tsx) the built copy in dist/app/.
const CANDIDATES = [new URL("./cut-timeline.html", import.meta.url), new URL("../../dist/app/cut-timeline.html", import.meta.url)];

export function cutTimelineHtmlPath(): string | null {
  for (const url of CANDIDATES) {
    const file = fileURLToPath(url);
    if (existsSync(file)) return file;
  }
  return null;
}

/** The view as a resource: listed in resources/list (hosts may prefetch it) and read from the built file. */
export function cutTimelineResource(options: { htmlPath?: string } = {}): FixedResource {
  let html: string | null = null;
  return {
    uri: CUT_TIMELINE_URI,
    name: "cut-timeline",
    title: "Cut timeline",
    description: "Interactive timeline of a cut: kept spans, dropped gaps, kept words, export and render.",
    mimeType: RESOURCE_MIME_TYPE,
    async read(): Promise<ReadResourceResult> {
      if (html === null) {
        const file = options.htmlPath ?? cutTimelineHtmlPath();
        if (!file) throw new ProtocolError(ProtocolErrorCode.InternalError, "The cut timeline view was not built (npm run build makes dist/app/cut-timeline.html).");
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
    },
  };
}
