// Uploads for image, voice, video and file messages: `POST /media/upload` on the server the
// instance is connected to (docs/protocol.md, "Media"), authenticated with the user's UserSig.
// A browser uploads with XMLHttpRequest, whose upload events give the progress; a runtime
// without it (Node) streams the content through `fetch` in slices and counts what was taken.

import { ChatError, CODE } from "./errors.js";
import type { UploadAnswer } from "./message.js";

export type UploadKind = "image" | "sound" | "file" | "video";

export interface UploadTarget {
  /** The client endpoint (`ws://host/ws`); the upload goes to the same host over HTTP. */
  url: string;
  sdkAppID: number;
  userID: string;
  userSig: string;
}

/** The content of a `create*Message` option's `payload.file`: a File, a Blob, or a file input. */
export function contentOf(file: unknown): { blob: Blob; name: string } | null {
  const BlobClass = (globalThis as { Blob?: typeof Blob }).Blob;
  if (!BlobClass) return null;
  let candidate: unknown = file;
  const input = file as { files?: ArrayLike<unknown> } | null;
  if (input && typeof input === "object" && input.files && typeof input.files.length === "number") candidate = input.files[0];
  if (!(candidate instanceof BlobClass)) return null;
  const name = typeof (candidate as { name?: unknown }).name === "string" ? (candidate as unknown as { name: string }).name : "";
  return { blob: candidate, name };
}

/** The HTTP origin of the client endpoint: `wss://host/ws` becomes `https://host`. */
export function httpOrigin(url: string): string {
  const parsed = new URL(url);
  const protocol = parsed.protocol === "wss:" ? "https:" : "http:";
  return `${protocol}//${parsed.host}`;
}

export async function upload(
  target: UploadTarget,
  kind: UploadKind,
  content: { blob: Blob; name: string },
  onProgress: ((percent: number) => void) | undefined,
): Promise<UploadAnswer> {
  const query = new URLSearchParams({
    sdkappid: String(target.sdkAppID),
    identifier: target.userID,
    usersig: target.userSig,
    type: kind,
    name: content.name || kind,
  });
  const address = `${httpOrigin(target.url)}/media/upload?${query}`;
  const report = (percent: number) => {
    if (typeof onProgress !== "function") return;
    try {
      onProgress(Math.max(0, Math.min(1, percent)));
    } catch {
      // The app's callback failing does not fail the upload.
    }
  };
  report(0);
  const XHR = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  const { status, text } = XHR ? await withXHR(XHR, address, content.blob, report) : await withFetch(address, content.blob, report);
  let answer: any;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new ChatError(CODE.NETWORK_ERROR, `upload: the server answered HTTP ${status} without JSON`);
  }
  if (answer?.code !== 0) {
    throw new ChatError(Number(answer?.code) || CODE.NETWORK_ERROR, `upload: ${String(answer?.desc ?? `HTTP ${status}`)}`);
  }
  report(1);
  return answer as UploadAnswer;
}

function withXHR(
  XHR: typeof XMLHttpRequest,
  address: string,
  blob: Blob,
  report: (percent: number) => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = new XHR();
    request.open("POST", address);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) report(event.loaded / event.total);
    };
    request.onload = () => resolve({ status: request.status, text: String(request.responseText ?? "") });
    request.onerror = () => reject(new ChatError(CODE.NETWORK_ERROR, "upload: the connection to the server failed"));
    request.send(blob);
  });
}

const SLICE = 64 * 1024;

async function withFetch(address: string, blob: Blob, report: (percent: number) => void): Promise<{ status: number; text: string }> {
  const total = blob.size;
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= total) {
        controller.close();
        return;
      }
      const end = Math.min(offset + SLICE, total);
      const chunk = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
      offset = end;
      controller.enqueue(chunk);
      if (total > 0) report(offset / total);
    },
  });
  let response: Response;
  try {
    response = await fetch(address, {
      method: "POST",
      body,
      headers: { "content-type": blob.type || "application/octet-stream" },
      duplex: "half",
    } as RequestInit);
  } catch (error) {
    throw new ChatError(CODE.NETWORK_ERROR, `upload: the connection to the server failed (${String(error)})`);
  }
  return { status: response.status, text: await response.text() };
}
