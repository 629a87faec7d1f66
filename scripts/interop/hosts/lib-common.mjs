// Shared by the library hosts: the mock model with the scripted agent, and the checks on what reached it.

import { startMockModel } from "../mock-model.mjs";
import { declarationChecks, isFlowRequest, makeAgent, resultChecks } from "../flow.mjs";

export const PROMPT = "Cut my interview interview.mp4 to the script, export subtitles, render an mp3 and download it.";

/** Runs `drive(mockUrl)` against a fresh mock and checks the recorded turns; returns the mock's records. */
export async function withMockModel(ctx, id, drive, options = {}) {
  const agent = makeAgent({ media: ctx.media, script: ctx.script, saveDir: ctx.work, ...(options.agent ?? {}) });
  const mock = await startMockModel({ agent, isFlow: isFlowRequest });
  try {
    await drive(mock.url);
  } catch (error) {
    ctx.check(`${id}: the host's own loop ran without throwing`, false, error?.stack ?? String(error));
  } finally {
    await mock.close();
  }
  if (mock.requests.length === 0) {
    ctx.check(`${id}: the host reached the mock model with our tools`, false, "no request carried the tools");
    return mock;
  }
  declarationChecks(id, mock.requests, ctx.check, options.declarations);
  resultChecks(id, mock.requests, ctx.check, options.results);
  return mock;
}
