// The optional wait_seconds of the create tools (upload_media, create_cut, create_render): one place that
// follows the new resource to a terminal state, reporting to the call's progress, and says whether it gave up.

import type { ToolContext } from "./define-tool.js";
import { follow, isTerminal, type FollowKind, type ResourceOf } from "../progress/follow.js";
import type { RoughyClient } from "../client/index.js";

export async function waitAfterCreate<K extends FollowKind>(
  client: RoughyClient,
  kind: K,
  created: ResourceOf<RoughyClient, K>,
  waitSeconds: number | undefined,
  ctx: Pick<ToolContext, "signal" | "progress">,
): Promise<{ resource: ResourceOf<RoughyClient, K>; timedOut: boolean }> {
  const wait = waitSeconds ?? 0;
  if (wait <= 0 || isTerminal(kind, String(created.state))) return { resource: created, timedOut: false };
  const followed = await follow(client, kind, created.id, { signal: ctx.signal, sink: ctx.progress, timeoutMs: wait * 1000 });
  return { resource: followed.resource, timedOut: followed.timedOut };
}
