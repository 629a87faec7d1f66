// Prompts (issue 11, item 11): hosts show them as slash commands. Through a real client: listed with their
// arguments, expanded into a message that names the tools, arguments completed from recent cuts, and the
// expanded subtitles prompt leads to a working export_cut call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolError } from "@modelcontextprotocol/client";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, uploadAndCut, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let ws: Workspace;
let conn: Connected;

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-prompts-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});
afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

describe("prompts", () => {
  it("declares prompts and lists the two conversational jobs with their arguments", async () => {
    expect(conn.client.getServerCapabilities()?.prompts).toBeDefined();
    const { prompts } = await conn.client.listPrompts();
    const byName = new Map(prompts.map((p) => [p.name, p]));
    expect(byName.get("cut_recording_to_script")?.arguments?.map((a) => [a.name, a.required])).toEqual([
      ["file_path", true],
      ["script", true],
    ]);
    expect(byName.get("subtitles_for_cut")?.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([
      ["cut_id", true],
      ["format", false],
    ]);
  });

  it("expands the script prompt with the file and the script, and refuses it without them", async () => {
    const got = await conn.client.getPrompt({ name: "cut_recording_to_script", arguments: { file_path: ws.media, script: "Thanks for having me." } });
    const message = got.messages[0];
    expect(message?.role).toBe("user");
    const text = message?.content.type === "text" ? message.content.text : "";
    expect(text).toContain(JSON.stringify(ws.media));
    expect(text).toContain("Thanks for having me.");
    expect(text).toContain("cut_to_script");

    const refused = await conn.client.getPrompt({ name: "cut_recording_to_script", arguments: { file_path: ws.media } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as Error).message).toMatch(/needs script/);
  });

  it("completes cut ids from recent cuts, and the expanded subtitles prompt leads to a working export", async () => {
    const { cutId } = await uploadAndCut(conn, sb, ws.media);
    const completed = await conn.client.complete({
      ref: { type: "ref/prompt", name: "subtitles_for_cut" },
      argument: { name: "cut_id", value: cutId.slice(0, 4) },
    });
    expect(completed.completion.values).toContain(cutId);
    const formats = await conn.client.complete({ ref: { type: "ref/prompt", name: "subtitles_for_cut" }, argument: { name: "format", value: "v" } });
    expect(formats.completion.values).toEqual(["vtt"]);
    // No completion source for free text: nothing, not an error.
    const none = await conn.client.complete({ ref: { type: "ref/prompt", name: "cut_recording_to_script" }, argument: { name: "script", value: "T" } });
    expect(none.completion.values).toEqual([]);

    const unknown = await conn.client.complete({ ref: { type: "ref/prompt", name: "no_such_prompt" }, argument: { name: "cut_id", value: "" } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(ProtocolError);
    expect((unknown as Error).message).toMatch(/Unknown prompt no_such_prompt; prompts\/list has them/);

    const got = await conn.client.getPrompt({ name: "subtitles_for_cut", arguments: { cut_id: cutId, format: "vtt" } });
    const text = got.messages[0]?.content.type === "text" ? got.messages[0].content.text : "";
    expect(text).toContain(`cut_id=${cutId}`);
    expect(text).toContain("format=vtt");
    // What the prompt tells the agent to call works as written.
    const exported = await conn.call("export_cut", { cut_id: cutId, format: "vtt" });
    expect(exported.isError, textOf(exported)).toBeFalsy();
    expect((exported.structuredContent as { text: string }).text).toMatch(/^WEBVTT/);
  });
});
