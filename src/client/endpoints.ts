// Every method and path the client calls, in one table. Many shapes in roughy-api.md are [inferred]; when
// the real API turns out to differ, the correction is one line here.

export type HttpMethod = "GET" | "POST" | "DELETE" | "PUT" | "HEAD";

export interface Endpoint {
  method: HttpMethod;
  /** Path template; `{name}` placeholders are filled through encodeSegment. */
  path: string;
  /** Safe to send twice. Defaults from the method; POST /v1/cuts is idempotent by contract. */
  idempotent?: boolean;
  /** False for the health probes, which take no key. */
  auth?: boolean;
}

export const ENDPOINTS = {
  // Projects [inferred]
  createProject: { method: "POST", path: "/v1/projects" },
  listProjects: { method: "GET", path: "/v1/projects" },
  getProject: { method: "GET", path: "/v1/projects/{id}" },
  deleteProject: { method: "DELETE", path: "/v1/projects/{id}" },

  // Assets [doc]; filters [inferred]
  createAsset: { method: "POST", path: "/v1/assets" },
  listAssets: { method: "GET", path: "/v1/assets" },
  getAsset: { method: "GET", path: "/v1/assets/{id}" },
  deleteAsset: { method: "DELETE", path: "/v1/assets/{id}" },
  assetEvents: { method: "GET", path: "/v1/assets/{id}/events" }, // SSE [inferred]

  // Credits [doc] + ledger [inferred]
  getCredits: { method: "GET", path: "/v1/credits" },
  listLedger: { method: "GET", path: "/v1/credits/ledger" },

  // Cuts [doc]. Idempotent on (asset, script): a repeat returns the existing cut, so a retry is safe.
  createCut: { method: "POST", path: "/v1/cuts", idempotent: true },
  listCuts: { method: "GET", path: "/v1/cuts" },
  getCut: { method: "GET", path: "/v1/cuts/{id}" },
  deleteCut: { method: "DELETE", path: "/v1/cuts/{id}" },
  exportCut: { method: "GET", path: "/v1/cuts/{id}/export" },
  exportSubtitle: { method: "GET", path: "/v1/cuts/{id}/subtitle/export" },

  // Renders [doc]; cancel shape [inferred]
  createRender: { method: "POST", path: "/v1/renders" },
  listRenders: { method: "GET", path: "/v1/renders" },
  getRender: { method: "GET", path: "/v1/renders/{id}" },
  cancelRender: { method: "POST", path: "/v1/renders/{id}/cancel" },

  // Webhooks [inferred]
  createWebhook: { method: "POST", path: "/v1/webhooks" },
  listWebhooks: { method: "GET", path: "/v1/webhooks" },
  deleteWebhook: { method: "DELETE", path: "/v1/webhooks/{id}" },

  // Users and health [inferred]
  me: { method: "GET", path: "/v1/users/me" },
  healthLive: { method: "GET", path: "/health", auth: false },
  healthReady: { method: "GET", path: "/health/ready", auth: false },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** Query parameter names [inferred], kept here with the paths. */
export const QUERY = {
  limit: "limit",
  offset: "offset",
  format: "format",
  frameRate: "frame_rate",
} as const;

/** TUS protocol version the transfer URLs speak [doc]. */
export const TUS_VERSION = "1.0.0";
