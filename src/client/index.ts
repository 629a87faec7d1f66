// The client's public surface: a typed REST client for the Roughy API, usable on its own, without MCP.
export { RoughyClient, filenameFromDisposition } from "./client.js";
export type { RoughyClientOptions, ListOptions, WaitForCuttableOptions } from "./client.js";
export {
  RoughyError,
  NotFoundError,
  ValidationError,
  ConflictError,
  RateLimitedError,
  AuthenticationError,
  ServerError,
  ConnectionError,
  TimeoutError,
  ERROR_CODES,
  errorFromResponse,
} from "./errors.js";
export type { ErrorCode, ClientErrorCode, AnyErrorCode, FieldError } from "./errors.js";
export { paginate } from "./paginate.js";
export type { PaginateOptions } from "./paginate.js";
export { FileResumeStore, MemoryResumeStore, defaultResumeStorePath, resumeKey } from "./resume-store.js";
export type { ResumeStore, ResumeRecord } from "./resume-store.js";
export type { UploadFileOptions, UploadResult } from "./uploads.js";
export { MIN_UPLOAD_BYTES } from "./uploads.js";
export type { SubscribeOptions, Subscription } from "./events.js";
export { LIVE_EVENT_TYPES } from "./events.js";
export { ENDPOINTS } from "./endpoints.js";
export { normalizeBaseUrl, encodeSegment, PathSegmentError, DEFAULT_BASE_URL } from "./paths.js";
export { parseRetryAfter, decideRetry } from "./retry.js";
export {
  parseTimestamp,
  ASSET_STATES,
  CUT_STATES,
  RENDER_STATES,
  RENDER_OUTPUTS,
  EXPORT_FORMATS,
  SUBTITLE_FORMATS,
  WEBHOOK_EVENTS,
} from "./schemas.js";
export type {
  Project,
  Asset,
  Cut,
  Render,
  Credits,
  LedgerEntry,
  Webhook,
  User,
  Page,
  ExportFile,
  LiveEvent,
  AssetState,
  CutState,
  RenderState,
  RenderOutput,
  ExportFormat,
  SubtitleFormat,
  WebhookEvent,
} from "./schemas.js";
