// Resources: a cut's exports and subtitles as readable files, and JSON views of projects, assets, cuts and
// renders. The templates are registered with the SDK (for resources/templates/list and completion); reads
// and subscriptions go through our own parser so that every URI is checked in one place. A subscription
// follows the resource in the background and sends notifications/resources/updated when its state changes.

import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type LoggingLevel,
  type ReadResourceResult,
  type Resource,
} from "@modelcontextprotocol/sdk/types.js";
import type { RoughyClient } from "../client/index.js";
import { RoughyError } from "../client/errors.js";
import { follow, isTerminal, type FollowKind } from "../progress/follow.js";
import { describeRoughyError } from "../server/tool-errors.js";
import {
  RESOURCE_EXPORT_FORMATS,
  RESOURCE_SUBTITLE_FORMATS,
  URI_TEMPLATES,
  exportUri,
  parseRoughyUri,
  quoteUri,
  subtitleUri,
  type EntityKind,
  type ParsedUri,
} from "./uris.js";
import { ProtocolError } from "../server/protocol-error.js";
import { linkExport } from "../exports/link-media.js";

export type ResourceDeps = {
  client: () => Promise<RoughyClient>;
  log: (level: LoggingLevel, message: string) => void;
  /** Polling bound for subscriptions when live events are unavailable. */
  pollMs?: number;
  /** A remote caller's files are not this machine's: exports are not pointed at remembered upload paths. */
  remote?: boolean;
};

/** JSON-RPC code for "resource not found" (MCP spec). */
export const RESOURCE_NOT_FOUND = -32002;

/** Completed cuts whose exports resources/list shows. */
const LISTED_CUTS = 5;
const COMPLETION_LIMIT = 20;

const MIME: Record<string, string> = {
  edl: "text/plain",
  xmeml: "application/xml",
  fcpxml: "application/xml",
  otio: "application/json",
  srt: "application/x-subrip",
  vtt: "text/vtt",
};

function toMcpError(error: unknown, uri: string, parsed: ParsedUri): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof RoughyError) {
    if (error.code === "not_found" || error.code === "gone") {
      return new ProtocolError(RESOURCE_NOT_FOUND, `Resource not found: ${quoteUri(uri)}`, { uri });
    }
    const args: Record<string, unknown> = parsed.type === "entity" ? { [`${parsed.kind}_id`]: parsed.id } : { cut_id: parsed.cutId };
    const described = describeRoughyError(error, args);
    return new ProtocolError(described.internal ? ErrorCode.InternalError : ErrorCode.InvalidRequest, described.message);
  }
  return new ProtocolError(ErrorCode.InternalError, `Could not read ${quoteUri(uri)}; retry later.`);
}

async function getEntity(client: RoughyClient, kind: EntityKind, id: string): Promise<unknown> {
  switch (kind) {
    case "project":
      return client.projects.get(id);
    case "asset":
      return client.assets.get(id);
    case "cut":
      return client.cuts.get(id);
    case "render":
      return client.renders.get(id);
  }
}

async function read(client: RoughyClient, uri: string, parsed: ParsedUri, remote: boolean): Promise<ReadResourceResult> {
  if (parsed.type === "export") {
    const file = await client.cuts.export(parsed.cutId, parsed.format, parsed.frameRate !== undefined ? { frameRate: parsed.frameRate } : {});
    // The same media link export_cut gives (the file this server uploaded), so the two never disagree.
    const cut = await client.cuts.get(parsed.cutId);
    const { body } = await linkExport({ format: parsed.format, body: file.content, assetId: cut.asset_id, remote });
    return { contents: [{ uri, mimeType: file.contentType.split(";")[0]?.trim() || MIME[parsed.format], text: body }] };
  }
  if (parsed.type === "subtitle") {
    const file = await client.cuts.exportSubtitle(parsed.cutId, parsed.format);
    return { contents: [{ uri, mimeType: file.contentType.split(";")[0]?.trim() || MIME[parsed.format], text: file.content }] };
  }
  const entity = await getEntity(client, parsed.kind, parsed.id);
  return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(entity, null, 2) }] };
}

/** What a subscription watches: the entity whose state change makes the URI's content change. */
function watchedOf(parsed: ParsedUri): { kind: EntityKind; id: string } {
  return parsed.type === "entity" ? { kind: parsed.kind, id: parsed.id } : { kind: "cut", id: parsed.cutId };
}

function fingerprint(resource: { state?: unknown; progress?: unknown }): string {
  return `${String(resource.state)}|${String(resource.progress ?? "")}`;
}

export function registerResources(mcp: McpServer, deps: ResourceDeps): { close(): void } {
  const recentIds = async (kind: EntityKind, prefix: string): Promise<string[]> => {
    try {
      const client = await deps.client();
      const page =
        kind === "cut"
          ? await client.cuts.list({ limit: 50 })
          : kind === "asset"
            ? await client.assets.list({ limit: 50 })
            : kind === "render"
              ? await client.renders.list({ limit: 50 })
              : await client.projects.list({ limit: 50 });
      return page.items
        .map((i) => i.id)
        .filter((id) => id.startsWith(prefix))
        .slice(0, COMPLETION_LIMIT);
    } catch {
      return [];
    }
  };
  const formats = (list: readonly string[]) => (value: string) => list.filter((f) => f.startsWith(value));

  const listExports = async (): Promise<{ resources: Resource[] }> => {
    const client = await deps.client();
    const cuts = await client.cuts.list({ state: "completed", limit: LISTED_CUTS });
    const resources: Resource[] = [];
    for (const cut of cuts.items) {
      const short = cut.id.slice(0, 8);
      for (const format of RESOURCE_EXPORT_FORMATS) {
        resources.push({ uri: exportUri(cut.id, format), name: `cut-${short}.${format}`, title: `Cut ${short} as ${format}`, mimeType: MIME[format] });
      }
      for (const format of RESOURCE_SUBTITLE_FORMATS) {
        resources.push({ uri: subtitleUri(cut.id, format), name: `cut-${short}.${format}`, title: `Cut ${short} subtitles (${format})`, mimeType: MIME[format] });
      }
    }
    return { resources };
  };

  // The read callbacks below are never called (reads are answered by our own handler further down);
  // registering the templates gives resources/templates/list, resources/list and completion.
  const unused = async (): Promise<ReadResourceResult> => ({ contents: [] });
  mcp.registerResource(
    "cut-export",
    new ResourceTemplate(URI_TEMPLATES.cutExport, {
      list: listExports,
      complete: { cut_id: (v) => recentIds("cut", v), format: formats(RESOURCE_EXPORT_FORMATS) },
    }),
    {
      title: "Cut export",
      description: "A completed cut as an edit decision file: edl, xmeml, fcpxml or otio. Audio-only sources need ?frame_rate=25 (or 29.97, 30) for edl/xmeml/fcpxml.",
    },
    unused,
  );
  mcp.registerResource(
    "cut-subtitle",
    new ResourceTemplate(URI_TEMPLATES.cutSubtitle, {
      list: undefined,
      complete: { cut_id: (v) => recentIds("cut", v), format: formats(RESOURCE_SUBTITLE_FORMATS) },
    }),
    { title: "Cut subtitles", description: "A completed cut's subtitles on the cut's timeline: srt or vtt (word timing)." },
    unused,
  );
  const entities: [string, EntityKind, string][] = [
    ["project", "project", URI_TEMPLATES.project],
    ["asset", "asset", URI_TEMPLATES.asset],
    ["cut", "cut", URI_TEMPLATES.cut],
    ["render", "render", URI_TEMPLATES.render],
  ];
  for (const [name, kind, template] of entities) {
    mcp.registerResource(
      name,
      new ResourceTemplate(template, { list: undefined, complete: { [`${kind}_id`]: (v) => recentIds(kind, v) } }),
      { title: `Roughy ${kind}`, description: `The ${kind} as JSON (subscribe to hear about state changes).`, mimeType: "application/json" },
      unused,
    );
  }

  mcp.server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const uri = request.params.uri;
    const parsed = parseRoughyUri(uri);
    try {
      return await read(await deps.client(), uri, parsed, deps.remote ?? false);
    } catch (error) {
      throw toMcpError(error, uri, parsed);
    }
  });

  // Subscriptions: one background watcher per entity, shared by every subscribed URI that depends on it.
  type Watcher = { uris: Set<string>; controller: AbortController };
  const watchers = new Map<string, Watcher>();
  const pollMs = deps.pollMs ?? 1000;

  const watch = (kind: EntityKind, id: string, watcher: Watcher): void => {
    const signal = watcher.controller.signal;
    const notify = () => {
      for (const uri of watcher.uris) mcp.server.sendResourceUpdated({ uri }).catch(() => {});
    };
    void (async () => {
      try {
        const client = await deps.client();
        let current = (await getEntity(client, kind, id)) as { state?: string; progress?: number | null };
        if (kind === "project") return; // a project has no state to follow
        const followKind = kind as FollowKind;
        while (!signal.aborted && !isTerminal(followKind, String(current.state))) {
          const before = fingerprint(current);
          const result = await follow(client, followKind, id, {
            signal,
            until: (r: { state?: unknown; progress?: unknown }) => fingerprint(r) !== before,
            pollMinMs: pollMs,
            pollMaxMs: pollMs * 3,
          });
          if (signal.aborted) return;
          current = result.resource as typeof current;
          if (!result.timedOut) notify();
          // A completed cut adds its exports to resources/list.
          if (kind === "cut" && current.state === "completed") mcp.sendResourceListChanged();
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof RoughyError && error.code === "not_found") {
          // Deleted while watched: its content changed for good.
          notify();
          return;
        }
        deps.log("warning", `Stopped watching ${kind} ${id} for subscriptions; re-subscribe to try again.`);
      }
    })();
  };

  mcp.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const uri = request.params.uri;
    const { kind, id } = watchedOf(parseRoughyUri(uri));
    const key = `${kind}:${id}`;
    let watcher = watchers.get(key);
    if (!watcher) {
      watcher = { uris: new Set(), controller: new AbortController() };
      watchers.set(key, watcher);
      watcher.uris.add(uri);
      watch(kind, id, watcher);
    } else {
      watcher.uris.add(uri);
    }
    return {};
  });

  mcp.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    const uri = request.params.uri;
    const { kind, id } = watchedOf(parseRoughyUri(uri));
    const key = `${kind}:${id}`;
    const watcher = watchers.get(key);
    if (watcher) {
      watcher.uris.delete(uri);
      if (watcher.uris.size === 0) {
        watcher.controller.abort();
        watchers.delete(key);
      }
    }
    return {};
  });

  return {
    close() {
      for (const watcher of watchers.values()) watcher.controller.abort();
      watchers.clear();
    },
  };
}
