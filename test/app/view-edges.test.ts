// The review loop, Listen and the narrow layout at their edges, in the test host (headless Chromium, CSP, second origin,
// AppBridge to the real server) over real cuts of the fixture made in the sandbox.

import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { FIXTURE_SCRIPT, textOf } from "../helpers/mcp-harness.js";
import { uploadAndCut } from "../helpers/workspace.js";
import { newHostLog, openView, type HostLog, type OpenedView } from "./host.js";
import { HAVE_CHROMIUM, startViewRig, type ViewRig } from "./view-rig.js";

let rig: ViewRig;
let assetId = "";
let script = "";
let first: CallToolResult;
let firstId = "";

beforeAll(async () => {
  rig = await startViewRig("roughy-mcp-edges-");
  ({ assetId, cutId: firstId, cut: first } = await uploadAndCut(rig.conn, rig.sb, rig.ws.media));
  script = await readFile(FIXTURE_SCRIPT, "utf8");
});

afterAll(() => rig?.close());

const words = (text: string): string[] => text.split(/\s+/).map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")).filter(Boolean);

async function cutOf(s: string): Promise<CallToolResult> {
  const made = await rig.conn.call("create_cut", { asset_id: assetId, script: s, wait_seconds: 50 });
  expect(made.isError, textOf(made)).toBeFalsy();
  return made;
}

/** The view in a host that takes ui/message and model context updates, keeping the messages it was sent. */
async function openReviewHost(): Promise<OpenedView & { log: HostLog; messages: string[] }> {
  const log = newHostLog();
  const messages: string[] = [];
  const opened = await openView({
    context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 720, theme: "light", log,
    hostCapabilities: { message: { text: {} }, updateModelContext: { text: {} } },
  });
  opened.bridge.onmessage = async (params) => {
    messages.push((params.content as { text?: string }[]).map((c) => c.text ?? "").join("\n"));
    return {};
  };
  opened.bridge.onupdatemodelcontext = async () => ({});
  return { ...opened, log, messages };
}

describe.skipIf(!HAVE_CHROMIUM)("the review loop at its edges (headless Chromium)", () => {
  it("puts a missing sentence back after the sentence before it, also when that one ends in a closing quote", async () => {
    const invented = "Nobody in this recording ever talks about penguins.";
    const lines = script.trim().split("\n");
    // The script's first line with its second sentence quoted, then a sentence nobody said.
    lines[0] = lines[0]!.replace(/So we started the company in 2019\./, `So we started "the company in 2019." ${invented}`);
    const made = await cutOf(lines.join("\n"));
    const coverage = (made.structuredContent as { segments: { coverage: { missing: { n: number; text: string }[] } } }).segments.coverage;
    expect(coverage.missing).toEqual([{ n: 3, text: invented }]);
    const { page, view, bridge, log, messages } = await openReviewHost();
    await bridge.sendToolResult(made as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    await view.locator('[data-review="sentence-3"]').click();
    await view.locator("#recut").click();
    await expect.poll(() => messages.length).toBe(1);
    const asked = words(messages[0]!.slice(messages[0]!.indexOf("this script:") + "this script:".length));
    // The sentence goes back where the script had it: after "... in 2019", before the next line's words.
    const at = asked.indexOf("nobody");
    expect(asked.slice(at - 2, at + words(invented).length)).toEqual(["in", "2019", ...words(invented)]);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("still opens the re-cut beside the old cut when the agent's first attempt failed", async () => {
    const { page, view, bridge, log, messages } = await openReviewHost();
    const idOf = (r: CallToolResult): string => (r.structuredContent as { cut: { id: string } }).cut.id;
    await bridge.sendToolResult(first as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    await view.locator('[data-review="span-1"]').click();
    await view.locator("#recut").click();
    await expect.poll(() => messages.length).toBe(1);
    await view.locator("#recut-note", { hasText: "Asked the assistant to re-cut." }).waitFor();
    // The agent's first attempt carries a script nobody said: the service fails that cut.
    const failed = await rig.conn.call("create_cut", { asset_id: assetId, script: "Penguins never talk about pizza on the moon.", wait_seconds: 50 });
    expect((failed.structuredContent as { cut: { state: string } }).cut.state).toBe("failed");
    await bridge.sendToolResult(failed as never);
    await expect.poll(() => view.locator("header code.id").textContent()).toBe(idOf(failed));
    await view.locator("#pending", { hasText: "failed" }).waitFor();
    // The second attempt, with the script the view asked for, is the re-cut: drawn against the cut it replaces.
    const asked = messages[0]!.slice(messages[0]!.indexOf("this script:") + "this script:".length).trim();
    const made = await cutOf(asked);
    await bridge.sendToolResult(made as never);
    await expect.poll(() => view.locator("header code.id").textContent()).toBe(idOf(made));
    await view.locator(".words p[data-index]").first().waitFor({ timeout: 0 });
    expect(await view.locator("#diff").count()).toBe(1);
    expect(await view.locator("#diff-summary").textContent()).toContain(idOf(made));
    expect(await view.locator("#diff-old h3").textContent()).toBe(`Previous cut ${idOf(first)}`);
    expect(await view.locator("#diff-new h3").textContent()).toBe(`This cut ${idOf(made)}`);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("drops the first cut's audio load for a second result without telling the second cut's listener it was cancelled", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const log = newHostLog();
    const { page, view, bridge } = await openView({
      context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 720, theme: "light", log,
      hold: (call) => (call.name === "cut_audio" ? held : Promise.resolve()),
    });
    await bridge.sendToolResult(first as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    // Everything the status region says from here on.
    await view.evaluate(`(() => { window.__said = []; const live = document.getElementById("live"); new MutationObserver(() => window.__said.push(live.textContent)).observe(live, { childList: true, characterData: true, subtree: true }); })()`);
    await view.locator("#listen").click();
    await expect.poll(() => log.appCalls.filter((n) => n === "cut_audio").length).toBe(1);
    // While cut A's audio is on its way, cut B arrives.
    const other = await cutOf(script.trim().split("\n").slice(0, 2).join("\n"));
    const otherId = (other.structuredContent as { cut: { id: string } }).cut.id;
    await bridge.sendToolResult(other as never);
    await expect.poll(() => view.locator("header code.id").textContent()).toBe(otherId);
    await view.locator(".words p[data-index]").first().waitFor({ timeout: 0 });
    release();
    await log.calls.find((c) => c.name === "cut_audio")!.answered;
    // B's Listen is its own: not loading, no audio of A's, nothing said about A's load.
    expect(await view.locator("#listen").isEnabled()).toBe(true);
    expect(await view.locator("#listen-status").textContent()).toBe("");
    expect(await view.locator("#listen-audio").count()).toBe(0);
    const said = (await view.evaluate("window.__said")) as string[];
    expect(said.filter((x) => /audio/i.test(x))).toEqual([]);
    await page.close();
  });

  it("keeps a long mistyped time in Go to inside a 360 px frame", async () => {
    const log = newHostLog();
    const { page, view, bridge } = await openView({ context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 360, theme: "light", log });
    await bridge.sendToolResult(first as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    const typed = "0".repeat(90);
    await view.locator("#goto-time").fill(typed);
    await view.locator("#goto").click();
    await view.locator("#goto-note", { hasText: typed }).waitFor();
    expect(await view.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("gives each span's source and record timecode as the EDL export has it, at the media's rate (29.97 here)", async () => {
    // The EDL over REST, as an editor would import it: event k is span k, source in/out then record in/out.
    const r = await fetch(`${rig.sb.sandbox.baseUrl}/v1/cuts/${firstId}/export?format=edl`, { headers: { authorization: `Bearer ${rig.sb.sandbox.apiKey}` } });
    expect(r.status).toBe(200);
    const events = [...(await r.text()).matchAll(/^\d{3} .* (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d)$/gm)].map((m) => m.slice(1));
    expect(events.length).toBeGreaterThan(2);
    const log = newHostLog();
    const { page, view, bridge } = await openView({ context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 720, theme: "light", log });
    await bridge.sendToolResult(first as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    for (const [k, [srcIn, srcOut, recIn, recOut]] of events.entries()) {
      await view.locator(`.bar .span[data-index="${k}"]`).click();
      expect(await view.locator("#tc-source").textContent(), `span ${k + 1} source`).toBe(`${srcIn}–${srcOut}`);
      expect(await view.locator("#tc-record").textContent(), `span ${k + 1} record`).toBe(`${recIn}–${recOut}`);
    }
    // Going to the last event's record in selects its span.
    await view.locator("#goto-clock").selectOption("record");
    await view.locator("#goto-time").fill(events.at(-1)![2]!);
    await view.locator("#goto").click();
    expect(await view.locator(`.bar .span[data-index="${events.length - 1}"]`).getAttribute("aria-pressed")).toBe("true");
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("keeps a long removed stretch's fold out of the Tab order and opens it from its row with the arrows and Enter", async () => {
    // The fixture cut to its first and last lines: the two lines between go as one removed stretch of over 12 words.
    const lines = script.trim().split("\n");
    const made = await cutOf([lines[0], lines.at(-1)].join("\n"));
    const cut = (made.structuredContent as { cut: { id: string } }).cut.id;
    // The OTIO over REST: the dropped words of the longest removed stretch are the truth the fold is held to.
    const r = await fetch(`${rig.sb.sandbox.baseUrl}/v1/cuts/${cut}/export?format=otio`, { headers: { authorization: `Bearer ${rig.sb.sandbox.apiKey}` } });
    const dropped = (JSON.parse(await r.text()) as { metadata: { roughy: { dropped_words: { text: string }[] } } }).metadata.roughy.dropped_words;
    const log = newHostLog();
    const { page, view, bridge } = await openView({ context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 720, theme: "light", log });
    await bridge.sendToolResult(made as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    expect(await view.locator(".dropped-fold").count()).toBe(1);
    // Tab from the words box leaves it.
    await view.locator(".words").focus();
    await page.keyboard.press("Tab");
    expect(await view.evaluate("document.activeElement.closest('.words') === null")).toBe(true);
    // Down from the box, row by row, reaches the stretch's row; Enter opens its fold.
    await view.locator(".words").focus();
    let steps = 0;
    while (!(await view.evaluate("document.activeElement.matches('.cutmark') && document.activeElement.querySelector('details') !== null"))) {
      await page.keyboard.press("ArrowDown");
      expect(++steps).toBeLessThan(20);
    }
    await page.keyboard.press("Enter");
    expect(await view.locator(".dropped-fold").evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    const shown = (await view.locator(".cutmark del").allInnerTexts()).join(" ").split(/\s+/).filter(Boolean);
    expect(shown).toEqual(dropped.map((w) => w.text));
    // From a word inside a row, End and Home go to the last and the first row, as they do from a row.
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    expect(await view.evaluate("document.activeElement.classList.contains('w')")).toBe(true);
    await page.keyboard.press("End");
    expect(await view.evaluate("document.activeElement === [...document.querySelectorAll('.words p[data-index], .words .cutmark[tabindex]')].at(-1)")).toBe(true);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Home");
    expect(await view.evaluate("document.activeElement === document.querySelector('.words p[data-index], .words .cutmark[tabindex]')")).toBe(true);
    // Enter on the last kept row, after the fold's row, selects that row's own span (not the row's place in the list).
    await page.keyboard.press("End");
    const index = await view.evaluate("document.activeElement.dataset.index");
    expect(index).toBe(String((await view.locator(".bar .span").count()) - 1));
    await page.keyboard.press("Enter");
    expect(await view.locator(`.bar .span[data-index="${index}"]`).getAttribute("aria-pressed")).toBe("true");
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });
});
