// Live updates per asset over server-sent events. The feature is [inferred], so a server without it (404)
// is a normal answer: subscribe resolves `{supported: false}` and the caller polls instead. EventSource
// (the `eventsource` package) reconnects by itself and sends Last-Event-ID, so no state change is lost.
import { EventSource, type FetchLike } from "eventsource";
import { fetch as undiciFetch } from "undici";
import { ConnectionError, errorFromResponse, RoughyError } from "./errors.js";
import { ENDPOINTS } from "./endpoints.js";
import { abortReason, type HttpCore } from "./http.js";
import { parseRetryAfter } from "./retry.js";
import type { LiveEvent } from "./schemas.js";

export const LIVE_EVENT_TYPES = ["asset.updated", "cut.updated", "render.updated"] as const;

export interface SubscribeOptions {
  signal: AbortSignal;
  lastEventId?: string;
  onEvent: (e: LiveEvent) => void;
}

export interface Subscription {
  supported: boolean;
  /**
   * Settles when the stream has ended for good (aborted, or the server refused a reconnect): the caller
   * then polls. Never rejects. Absent when unsupported.
   */
  done?: Promise<{ reason: "aborted" | "closed"; error?: RoughyError }>;
}

export class LiveEvents {
  constructor(private readonly http: HttpCore) {}

  subscribe(assetId: string, o: SubscribeOptions): Promise<Subscription> {
    const url = this.http.urlFor(ENDPOINTS.assetEvents, { params: { id: assetId } });
    if (o.signal.aborted) return Promise.reject(abortReason(o.signal));
    const http = this.http;
    let lastFailure: RoughyError | undefined;
    let firstRequest = true;

    const fetchWithAuth: FetchLike = async (input, init) => {
      const headers: Record<string, string> = {
        ...init.headers,
        Authorization: http.authorization,
        "User-Agent": http.opts.userAgent,
      };
      // The first connection resumes from the caller's cursor; later ones carry EventSource's own.
      if (firstRequest && o.lastEventId && !headers["Last-Event-ID"]) headers["Last-Event-ID"] = o.lastEventId;
      firstRequest = false;
      const res = await undiciFetch(input, {
        method: "GET",
        headers,
        signal: init.signal as AbortSignal,
        redirect: "follow",
        dispatcher: http.dispatcher,
      });
      if (res.status !== 200) {
        // Keep the API's error so that a refusal reaches the caller as a RoughyError, not a bare status.
        const bodyText = await res.text().catch(() => "");
        lastFailure = errorFromResponse({
          status: res.status,
          header: (n) => res.headers.get(n) ?? undefined,
          bodyText,
          retryAfter: parseRetryAfter(res.headers.get("retry-after")),
          secrets: [http.opts.apiKey],
        });
      }
      return res;
    };

    return new Promise<Subscription>((resolve, reject) => {
      const es = new EventSource(url, { fetch: fetchWithAuth });
      let opened = false;
      let resolveDone!: (v: { reason: "aborted" | "closed"; error?: RoughyError }) => void;
      const done = new Promise<{ reason: "aborted" | "closed"; error?: RoughyError }>((r) => (resolveDone = r));

      const end = (reason: "aborted" | "closed") => {
        es.close();
        o.signal.removeEventListener("abort", onAbort);
        resolveDone(lastFailure && reason === "closed" ? { reason, error: lastFailure } : { reason });
      };
      const onAbort = () => {
        end("aborted");
        if (!opened) reject(abortReason(o.signal));
      };
      o.signal.addEventListener("abort", onAbort, { once: true });

      const deliver = (type: string) => (ev: MessageEvent) => {
        let data: unknown = ev.data;
        try {
          data = JSON.parse(ev.data as string);
        } catch {
          // not JSON: hand the text over as it came
        }
        o.onEvent({ ...(ev.lastEventId ? { id: ev.lastEventId } : {}), type, data });
      };
      for (const type of [...LIVE_EVENT_TYPES, "message"]) es.addEventListener(type, deliver(type));

      es.addEventListener("open", () => {
        lastFailure = undefined;
        if (!opened) {
          opened = true;
          resolve({ supported: true, done });
        }
      });
      es.addEventListener("error", () => {
        if (!opened) {
          // The first connection failed: answer now rather than let EventSource retry behind a pending promise.
          end("closed");
          if (lastFailure?.status === 404 || lastFailure?.status === 405) return resolve({ supported: false });
          return reject(
            lastFailure ??
              new ConnectionError({ message: "Could not open Roughy's live-update stream.", maybeProcessed: false }),
          );
        }
        // CONNECTING means EventSource is reconnecting by itself (with Last-Event-ID); only CLOSED is final.
        if (es.readyState === EventSource.CLOSED) end("closed");
      });
    });
  }
}
