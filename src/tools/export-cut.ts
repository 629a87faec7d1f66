// export_cut: a completed cut as an edit-decision file (EDL, FCP7 XML, FCPXML, OTIO) or subtitles (SRT,
// VTT). Small files come back inline; large ones are saved into an allowed directory so they never flood
// the context. Every answer names the matching roughy:// resource, which stays readable later.
// An inline file is in the text (hosts such as LangChain and Mastra pass on only text) and in
// structuredContent (Codex and Claude Code pass on only that). No resource blocks: LangChain turns a
// resource_link into a file block with a roughy:// URL that ChatOpenAI and ChatAnthropic refuse, which
// ends the conversation; the URI in the answer and resources/list offer the resource instead.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { cutId, format, overwrite, SUBTITLE_FORMATS, type AnyExportFormat, type SubtitleFormat } from "./shared-params.js";
import { exportUri, subtitleUri } from "../vocabulary/uris.js";
import type { ExportFormat } from "../client/index.js";
import { MediaPathError, linkExport, type MediaLink } from "../exports/link-media.js";
import { saveUnderFreeName, stemAndExt } from "../operations/save-file.js";

/** Above this the file goes to disk instead of into the answer. */
export const INLINE_LIMIT_BYTES = 8 * 1024;

export const exportCut = defineTool({
  name: "export_cut",
  title: "Export a cut",
  description:
    "Completed cut as an edit file or subtitles; free. One grid for exports, subtitles, renders (audio-only 25 fps). Small files inline, else saved to save_to or an allowed folder.",
  inputSchema: {
    cut_id: cutId,
    format,
    frame_rate: z.number().positive().max(240).optional().describe("fps if audio-only"),
    save_to: z.string().optional().describe("path in an allowed folder"),
    overwrite,
    media_path: z.string().optional().describe("source's absolute path"),
  },
  outputSchema: {
    cut_id: z.string(),
    content_type: z.string(),
    bytes: z.number(),
    uri: z.string(),
    inline: z.boolean(),
    saved_to: z.string().nullable(),
    text: z.string().nullable().describe("the file itself when inline"),
    media_path: z.string().nullable(),
    media_note: z.string().nullable(),
  },
  toolsets: ["cuts"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const fmt: AnyExportFormat = args.format;
    const isSubtitle = (SUBTITLE_FORMATS as readonly string[]).includes(fmt);
    // Check a named destination before fetching anything, so a refusal is immediate.
    const target = args.save_to ? await ctx.files.resolveWritable(args.save_to, "save_to", { overwrite: args.overwrite ?? false }) : null;
    const client = await ctx.client();
    const file = isSubtitle
      ? await client.cuts.exportSubtitle(args.cut_id, fmt as SubtitleFormat, { signal: ctx.signal })
      : await client.cuts.export(args.cut_id, fmt as ExportFormat, { signal: ctx.signal, frameRate: args.frame_rate });
    let media: MediaLink | null = null;
    if (!isSubtitle) {
      const cut = await client.cuts.get(args.cut_id, { signal: ctx.signal });
      try {
        ({ body: file.content, media } = await linkExport({ format: fmt as ExportFormat, body: file.content, assetId: cut.asset_id, mediaPath: args.media_path, remote: ctx.remoteCaller }));
      } catch (err) {
        if (err instanceof MediaPathError) throw new ToolError(`${err.message}: give the source's absolute path, e.g. /Users/ana/interview.mov or C:\\Media\\interview.mov.`);
        throw err;
      }
    }
    const bytes = Buffer.byteLength(file.content, "utf8");
    const contentType = file.contentType.split(";")[0]!.trim();
    let uri = isSubtitle ? subtitleUri(args.cut_id, fmt as SubtitleFormat) : exportUri(args.cut_id, fmt as ExportFormat);
    if (!isSubtitle && args.frame_rate !== undefined) uri += `?frame_rate=${args.frame_rate}`;

    let savedTo: string | null = null;
    if (target) {
      await ctx.files.writeAtomic(target, file.content, { overwrite: args.overwrite ?? false });
      savedTo = target;
    } else if (bytes > INLINE_LIMIT_BYTES) {
      const { stem, ext } = stemAndExt(file.filename, "export");
      savedTo = await saveUnderFreeName(ctx.files, await ctx.files.defaultDir(), stem, ext, file.content, "save_to");
    }
    const inline = savedTo === null;
    const where = inline ? "inline below" : `saved to ${savedTo}`;
    const next = "import it into the editor, or create_render for a flattened file.";
    return {
      data: { cut_id: args.cut_id, content_type: contentType, bytes, uri, inline, saved_to: savedTo, text: inline ? file.content : null, media_path: media?.linked ? media.path : null, media_note: media?.note ?? null, next_step: next },
      summary:
        `${fmt} export of cut ${args.cut_id} (${bytes} bytes), ${where}; also readable as ${uri}.` +
        (media ? (media.linked ? ` Media: ${media.path}.` : ` ${media.note}`) : "") +
        ` Next: ${next}`,
      ...(inline ? { content: [{ type: "text" as const, text: file.content }] } : {}),
    };
  },
});
