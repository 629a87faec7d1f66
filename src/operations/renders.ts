// Starting a render of a cut when the caller may already have started it: a remote cut_to_script job is
// continued by whichever request comes next (a retry, another replica, an older copy of its id), and POST
// /v1/renders is not idempotent, so the render is looked up on the service first.

import { paginate, type Render, type RenderOutput, type RoughyClient } from "../client/index.js";

const GIVEN_UP = new Set(["failed", "canceled"]);

/** The newest render of this cut and output that has not failed or been canceled, else a new one. */
export async function renderOnce(
  client: RoughyClient,
  assetId: string,
  cutId: string,
  output: RenderOutput,
  options: { signal?: AbortSignal } = {},
): Promise<{ render: Render; created: boolean }> {
  const { signal } = options;
  for await (const render of paginate((q) => client.renders.list({ ...q, cut_id: cutId, signal }), { signal })) {
    if (render.output === output && !GIVEN_UP.has(String(render.state))) return { render, created: false };
  }
  return { render: await client.renders.create({ asset_id: assetId, cut_id: cutId, output }, { signal }), created: true };
}
