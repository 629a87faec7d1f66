// MCP prompts: the conversational jobs a host offers as slash commands. Each expands to one user message
// that names the tools and the order, so the agent starts on the right path without reading every tool.
// Argument completion goes through the one completion/complete owner (src/resources/register-resources.ts),
// which asks completionFor() here.

import type { GetPromptResult, Prompt, Server } from "@modelcontextprotocol/server";
import { ProtocolError, ProtocolErrorCode } from "../vocabulary/errors.js";
import { RESOURCE_SUBTITLE_FORMATS as SUBTITLE_FORMATS } from "../vocabulary/uris.js";

/** What an argument completes from: recent ids of an entity, or a fixed list. */
export type PromptCompletion = { kind: "cut" } | { values: readonly string[] };

type PromptArg = { name: string; description: string; required?: boolean; complete?: PromptCompletion };
type PromptDef = { name: string; title: string; description: string; arguments: PromptArg[]; text(args: Record<string, string>): string };

const PROMPTS: readonly PromptDef[] = [
  {
    name: "cut_recording_to_script",
    title: "Cut this recording to this script",
    description: "Upload a local recording and cut it to a script (costs 1 credit per source minute, confirmed first).",
    arguments: [
      { name: "file_path", description: "the recording on this machine, in an allowed folder", required: true },
      { name: "script", description: "the script text the cut should follow", required: true },
    ],
    text: (a) =>
      [
        `Cut the recording at ${JSON.stringify(a.file_path)} to the script below with Roughy.`,
        "Call cut_to_script with file_path and script (it uploads, asks to confirm the cost, and cuts), then roughy_wait kind=job until it is done.",
        "Report the cut id, how much of the script was matched, and the exports and render it saved.",
        "",
        "Script:",
        a.script ?? "",
      ].join("\n"),
  },
  {
    name: "subtitles_for_cut",
    title: "Subtitles for this cut",
    description: "Subtitles for a completed cut, on the cut's timeline (free).",
    arguments: [
      { name: "cut_id", description: "a completed cut's id", required: true, complete: { kind: "cut" } },
      { name: "format", description: "srt or vtt (default srt)", complete: { values: SUBTITLE_FORMATS } },
    ],
    text: (a) =>
      [
        `Make subtitles for the Roughy cut ${a.cut_id} as ${a.format || "srt"}.`,
        `Call export_cut with cut_id=${a.cut_id} and format=${a.format || "srt"}; if the cut is not completed yet, roughy_wait kind=cut first.`,
        "Show the subtitles, or say where the file was saved.",
      ].join("\n"),
  },
];

export function hasPrompt(name: string): boolean {
  return PROMPTS.some((p) => p.name === name);
}

/** The completion source of a prompt's argument, or undefined when it has none. */
export function completionFor(promptName: string, argumentName: string): PromptCompletion | undefined {
  return PROMPTS.find((p) => p.name === promptName)?.arguments.find((a) => a.name === argumentName)?.complete;
}

export function registerPrompts(server: Server): void {
  const listed: Prompt[] = PROMPTS.map((p) => ({
    name: p.name,
    title: p.title,
    description: p.description,
    arguments: p.arguments.map(({ complete: _complete, ...arg }) => arg),
  }));
  server.setRequestHandler("prompts/list", () => ({ prompts: listed }));
  server.setRequestHandler("prompts/get", (request): GetPromptResult => {
    const { name, arguments: given = {} } = request.params;
    const prompt = PROMPTS.find((p) => p.name === name);
    if (!prompt) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `No prompt named "${name}"; the prompts are ${PROMPTS.map((p) => p.name).join(", ")}.`);
    }
    const missing = prompt.arguments.filter((a) => a.required && !given[a.name]?.trim()).map((a) => a.name);
    if (missing.length > 0) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} needs ${missing.join(" and ")}: ${missing.map((m) => prompt.arguments.find((a) => a.name === m)?.description).join("; ")}.`);
    }
    const format = given.format;
    if (format && !(SUBTITLE_FORMATS as readonly string[]).includes(format) && prompt.arguments.some((a) => a.name === "format")) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `format "${format}" is not one of ${SUBTITLE_FORMATS.join(", ")}.`);
    }
    return {
      description: prompt.description,
      messages: [{ role: "user", content: { type: "text", text: prompt.text(given) } }],
    };
  });
}
