// The only list of tools. The server registers exactly these; the definitions test checks that each
// file, key and tool name agree.

import type { AnyToolDefinition } from "./define-tool.js";
import { cancelRender } from "./cancel-render.js";
import { createCut } from "./create-cut.js";
import { createProject } from "./create-project.js";
import { createRender } from "./create-render.js";
import { createWebhook } from "./create-webhook.js";
import { cutToScript } from "./cut-to-script.js";
import { roughyDelete } from "./roughy-delete.js";
import { downloadRender } from "./download-render.js";
import { estimateCost } from "./estimate-cost.js";
import { exportCut } from "./export-cut.js";
import { roughyGet } from "./roughy-get.js";
import { getCredits } from "./get-credits.js";
import { roughyList } from "./roughy-list.js";
import { uploadMedia } from "./upload-media.js";
import { roughyWait } from "./roughy-wait.js";

export const TOOLS = {
  estimate_cost: estimateCost,
  upload_media: uploadMedia,
  create_cut: createCut,
  export_cut: exportCut,
  create_render: createRender,
  download_render: downloadRender,
  cancel_render: cancelRender,
  roughy_get: roughyGet,
  roughy_list: roughyList,
  roughy_delete: roughyDelete,
  create_project: createProject,
  create_webhook: createWebhook,
  get_credits: getCredits,
  cut_to_script: cutToScript,
  roughy_wait: roughyWait,
} satisfies Record<string, AnyToolDefinition>;

export const TOOL_LIST: readonly AnyToolDefinition[] = Object.values(TOOLS);
