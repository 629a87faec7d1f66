// The HTTP side of an upload's TUS requests (tus-js-client's `httpStack`): each PATCH body is sent straight
// from the file through a few buffers that are reused once the socket has written them. tus-js-client's own
// Node stack pipes a read stream into the request, which allocates a fresh buffer per read; that garbage is
// only returned at the next collection, and it left the uploader's peak memory about 1.4x a plain streamed
// PUT's (bench/upload.ts). Here memory is the same few buffers whatever the size of the file.

import { open } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { HttpRequest, HttpResponse, HttpStack } from "tus-js-client";

/** One PATCH body: a byte range of a file, read as the request is sent. */
export type FileRange = { path: string; start: number; end: number; size: number };

/**
 * Bytes per read. Reading 256 KiB at a time rather than fs's 64 KiB default passes a quarter as many chunks to
 * the socket, which cut the uploader's CPU time by about a third (bench/upload.ts).
 */
const BUFFER_BYTES = 256 * 1024;
/** Buffers the socket may hold at once: enough to keep it busy while the next read runs. */
const BUFFERS = 4;
/** tus-js-client's own stack reports progress at most this often. */
const PROGRESS_EVERY_MS = 100;

export class FileRangeHttpStack implements HttpStack {
  createRequest(method: string, url: string): HttpRequest {
    return new FileRangeRequest(method, url);
  }

  getName(): string {
    return "RoughyFileRangeHttpStack";
  }
}

class FileRangeRequest implements HttpRequest {
  private readonly headers: Record<string, string> = {};
  private onProgress: (bytesSent: number) => void = () => {};
  private request: http.ClientRequest | null = null;

  constructor(
    private readonly method: string,
    private readonly url: string,
  ) {}

  getMethod(): string {
    return this.method;
  }

  getURL(): string {
    return this.url;
  }

  setHeader(header: string, value: string): void {
    this.headers[header] = value;
  }

  getHeader(header: string): string | undefined {
    return this.headers[header];
  }

  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.onProgress = handler;
  }

  send(body?: FileRange | null): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const target = new URL(this.url);
      const headers: Record<string, string> = { ...this.headers };
      if (body) headers["Content-Length"] = String(body.size);
      const request = (target.protocol === "https:" ? https : http).request(target, { method: this.method, headers });
      this.request = request;
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(new BufferedResponse(response, Buffer.concat(chunks).toString("utf8"))));
        response.on("error", reject);
      });
      request.on("error", reject);
      if (!body) {
        request.end();
        return;
      }
      sendRange(request, body, throttled(this.onProgress)).catch((error: unknown) => request.destroy(error as Error));
    });
  }

  abort(): Promise<void> {
    this.request?.destroy();
    return Promise.resolve();
  }

  getUnderlyingObject(): unknown {
    return this.request;
  }
}

class BufferedResponse implements HttpResponse {
  constructor(
    private readonly response: http.IncomingMessage,
    private readonly body: string,
  ) {}

  getStatus(): number {
    return this.response.statusCode ?? 0;
  }

  getHeader(header: string): string | undefined {
    const value = this.response.headers[header.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  getBody(): string {
    return this.body;
  }

  getUnderlyingObject(): unknown {
    return this.response;
  }
}

function throttled(report: (bytesSent: number) => void): (bytesSent: number) => void {
  let last = 0;
  return (bytesSent) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    report(bytesSent);
  };
}

/**
 * Writes the range to the request and ends it. A buffer goes back to the pool when the socket has written it
 * (the write callback), so at most BUFFERS reads are ever in memory. Stops when the request closes early (an
 * answer before the whole body, an abort): the server keeps what it received and the upload resumes from there.
 */
async function sendRange(request: http.ClientRequest, range: FileRange, progress: (bytesSent: number) => void): Promise<void> {
  const file = await open(range.path, "r");
  try {
    const free = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafeSlow(BUFFER_BYTES));
    let wake: (() => void) | null = null;
    let failure: Error | null = null;
    let closed = false;
    const notify = () => {
      wake?.();
      wake = null;
    };
    request.once("close", () => {
      closed = true;
      notify();
    });
    let sent = 0;
    let position = range.start;
    while (position < range.end) {
      while (free.length === 0 && !closed && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      if (closed || request.destroyed) return;
      const buffer = free.pop()!;
      const { bytesRead } = await file.read(buffer, 0, Math.min(BUFFER_BYTES, range.end - position), position);
      if (bytesRead === 0) throw new Error(`${range.path} ended at byte ${position}, before the ${range.end} bytes declared`);
      position += bytesRead;
      request.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), (error) => {
        if (error) failure ??= error;
        sent += bytesRead;
        progress(sent);
        free.push(buffer);
        notify();
      });
    }
    request.end();
  } finally {
    await file.close();
  }
}
