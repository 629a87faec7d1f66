// Text contrast of the cut timeline view, as Chromium draws it in the test host (CSP, second origin, AppBridge to
// the real server) over a real cut of the fixture: every kind of text, the dropped words and their reason tags
// included, at least WCAG AA's 4.5:1 against what is behind it, in the host's theme whatever the OS prefers.

import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { FIXTURE_SCRIPT, textOf } from "../helpers/mcp-harness.js";
import { uploadAndCut } from "../helpers/workspace.js";
import { newHostLog, openView } from "./host.js";
import { HAVE_CHROMIUM, startViewRig, type ViewRig } from "./view-rig.js";

let rig: ViewRig;
let gapped: CallToolResult;

beforeAll(async () => {
  rig = await startViewRig("roughy-mcp-contrast-");
  const { assetId } = await uploadAndCut(rig.conn, rig.sb, rig.ws.media);
  // The fixture's script with a sentence nobody said: the view then lists it as missing, struck through.
  const script = `${(await readFile(FIXTURE_SCRIPT, "utf8")).trim()}\nNobody in this recording ever talks about penguins.`;
  gapped = await rig.conn.call("create_cut", { asset_id: assetId, script, wait_seconds: 50 });
  expect(gapped.isError, textOf(gapped)).toBeFalsy();
});

afterAll(() => rig?.close());

/**
 * WCAG 2 contrast of each selector's first element: its computed colour over its backgrounds composited up the
 * tree (opacity of disabled controls aside, which WCAG exempts), from the page's computed styles.
 */
const CONTRAST = `(selectors) => {
  const rgba = (s) => { const v = s.match(/[\\d.]+/g).map(Number); return v.length === 3 ? [...v, 1] : v; };
  const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3]));
  const lum = (c) => c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (e) => {
    const layers = [];
    for (let x = e; x; x = x.parentElement) { const c = rgba(getComputedStyle(x).backgroundColor); layers.push(c); if (c[3] === 1) break; }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]);
  };
  return Object.fromEntries(selectors.map((sel) => {
    const e = document.querySelector(sel);
    if (!e) return [sel, null];
    const bg = behind(e);
    const [a, b] = [lum(over(rgba(getComputedStyle(e).color), bg)), lum(bg)];
    return [sel, Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100];
  }));
}`;

const TEXT = ["h1", ".words h2", ".words .w", ".words .time", "#removed-summary", ".cutmark", ".cutmark del", ".cutmark .why", ".missing .dropped-text", ".missing .reason", "#listen", ".toggle", ".zoom .range", ".tick", ".detail", "#export"];

describe.skipIf(!HAVE_CHROMIUM)("text contrast (headless Chromium)", () => {
  for (const [theme, os] of [["dark", "light"], ["light", "dark"], ["dark", "dark"]] as const) {
    it(`reaches 4.5:1 for every kind of text in a ${theme} host on a ${os} OS`, async () => {
      const log = newHostLog();
      const { page, view, bridge } = await openView({ context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 720, theme, log });
      await page.emulateMedia({ colorScheme: os });
      await bridge.sendToolResult(gapped as never);
      await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
      const ratios = (await view.evaluate(`(${CONTRAST})(${JSON.stringify(TEXT)})`)) as Record<string, number | null>;
      for (const sel of TEXT) {
        expect(ratios[sel], `${sel} is drawn`).not.toBeNull();
        expect(ratios[sel], `${sel} in a ${theme} host on a ${os} OS`).toBeGreaterThanOrEqual(4.5);
      }
      expect(log.consoleErrors).toEqual([]);
      await page.close();
    });
  }
});
