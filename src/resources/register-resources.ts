// Resources: a cut's exports and subtitles as readable files, and JSON views of projects, assets, cuts and
// renders, plus fixed resources others contribute (the cut timeline view). This module is the one owner of
// resources/list, resources/templates/list, resources/read, resources/subscribe, resources/unsubscribe and
// completion/complete: every URI is checked by one parser. A subscription follows the resource in the
// background and sends notifications/resources/updated when its state changes.

import type { LoggingLevel, ReadResourceResult, Resource, ResourceTemplateType, Server } from "@modelcontextprotocol/server";
import type { RoughyClient } from "../client/index.js";
import { RoughyError } from "../client/errors.js";
import { follow, type FollowKind } from "../progress/follow.js";
import { isTerminal, kindsWhere } from "../vocabulary/kinds.js";
import { describeRoughyError } from "../operations/describe-error.js";
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
} from "../vocabulary/uris.js";
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "../vocabulary/errors.js";
import { linkExport } from "../exports/link-media.js";
import { completionFor, hasPrompt } from "../prompts/register-prompts.js";

/** A resource at one fixed URI, contributed by another part (the cut timeline view). */
export type FixedResource = Resource & { read(): Promise<ReadResourceResult> };

export type ResourceDeps = {
  /** Fixed resources listed and read beside the roughy:// ones. */
  fixed?: readonly FixedResource[];
  client: () => Promise<RoughyClient>;
  log: (level: LoggingLevel, message: string) => void;
  /** Polling bound for subscriptions when live events are unavailable. */
  pollMs?: number;
  /** A remote caller's files are not this machine's: exports are not pointed at remembered upload paths. */
  remote?: boolean;
  /** Told of each resources/list: list_changed means something only to a client that has listed. */
  onList?: () => void;
};

/** The kinds with a JSON view (a roughy:// URI in the kind table). */
const ENTITY_KINDS = kindsWhere("get") as EntityKind[];

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

function toProtocolError(error: unknown, uri: string, parsed: ParsedUri): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof RoughyError) {
    // -32602 with the URI: the 2026-07-28 spec's code for a missing resource (the SDK maps -32002 to it anyway).
    if (error.code === "not_found" || error.code === "gone") return new ResourceNotFoundError(uri);
    const args: Record<string, unknown> = parsed.type === "entity" ? { [`${parsed.kind}_id`]: parsed.id } : { cut_id: parsed.cutId };
    const described = describeRoughyError(error, args);
    return new ProtocolError(described.internal ? ProtocolErrorCode.InternalError : ProtocolErrorCode.InvalidRequest, described.message);
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, `Could not read ${quoteUri(uri)}; retry later.`);
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

export function registerResources(server: Server, deps: ResourceDeps): { close(): void } {
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

  const templates: (ResourceTemplateType & { complete: Record<string, (value: string) => Promise<string[]> | string[]> })[] = [
    {
      name: "cut-export",
      uriTemplate: URI_TEMPLATES.cutExport,
      title: "Cut export",
      description: "A completed cut as an edit decision file: edl, xmeml, fcpxml or otio. Audio-only sources need ?frame_rate=25 (or 29.97, 30) for edl/xmeml/fcpxml.",
      complete: { cut_id: (v) => recentIds("cut", v), format: formats(RESOURCE_EXPORT_FORMATS) },
    },
    {
      name: "cut-subtitle",
      uriTemplate: URI_TEMPLATES.cutSubtitle,
      title: "Cut subtitles",
      description: "A completed cut's subtitles on the cut's timeline: srt or vtt (word timing).",
      complete: { cut_id: (v) => recentIds("cut", v), format: formats(RESOURCE_SUBTITLE_FORMATS) },
    },
    ...ENTITY_KINDS.map((kind) => ({
      name: kind,
      uriTemplate: URI_TEMPLATES[kind],
      title: `Roughy ${kind}`,
      description: `The ${kind} as JSON (subscribe to hear about state changes).`,
      mimeType: "application/json",
      complete: { [`${kind}_id`]: (v: string) => recentIds(kind, v) },
    })),
  ];
  const fixed = deps.fixed ?? [];

  server.setRequestHandler("resources/templates/list", () => ({
    resourceTemplates: templates.map(({ complete: _complete, ...template }) => template),
  }));

  server.setRequestHandler("resources/list", async () => {
    deps.onList?.();
    return { resources: [...fixed.map(({ read: _read, ...resource }) => resource), ...(await listExports()).resources] };
  });

  server.setRequestHandler("completion/complete", async (request) => {
    const { ref, argument } = request.params;
    if (ref.type === "ref/prompt") {
      // Prompt arguments complete from the same recent ids (src/prompts/register-prompts.ts says which).
      if (!hasPrompt(ref.name)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt ${ref.name}; prompts/list has them.`);
      const from = completionFor(ref.name, argument.name);
      const values = from ? ("kind" in from ? await recentIds(from.kind, argument.value) : formats(from.values)(argument.value)).slice(0, COMPLETION_LIMIT) : [];
      return { completion: { values, total: values.length, hasMore: false } };
    }
    const template = templates.find((t) => t.uriTemplate === ref.uri);
    if (!template) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown resource template ${ref.uri}; resources/templates/list has them.`);
    const complete = template.complete[argument.name];
    const values = complete ? (await complete(argument.value)).slice(0, COMPLETION_LIMIT) : [];
    return { completion: { values, total: values.length, hasMore: false } };
  });

  server.setRequestHandler("resources/read", async (request) => {
    const uri = request.params.uri;
    const own = fixed.find((resource) => resource.uri === uri);
    if (own) return own.read();
    const parsed = parseRoughyUri(uri);
    try {
      return await read(await deps.client(), uri, parsed, deps.remote ?? false);
    } catch (error) {
      throw toProtocolError(error, uri, parsed);
    }
  });

  // Subscriptions: one background watcher per entity, shared by every subscribed URI that depends on it.
  type Watcher = { uris: Set<string>; controller: AbortController };
  const watchers = new Map<string, Watcher>();
  const pollMs = deps.pollMs ?? 1000;

  const watch = (kind: EntityKind, id: string, watcher: Watcher): void => {
    const signal = watcher.controller.signal;
    const notify = () => {
      for (const uri of watcher.uris) server.sendResourceUpdated({ uri }).catch(() => {});
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
          if (kind === "cut" && current.state === "completed") server.sendResourceListChanged().catch(() => {});
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

  server.setRequestHandler("resources/subscribe", async (request) => {
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

  server.setRequestHandler("resources/unsubscribe", async (request) => {
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
