import type { Request } from "express";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Transform } from "node:stream";
import { AppError } from "../shared/errors.js";

/** "50mb", "512kb" (the configuration's body limits) in bytes. */
export function limitBytes(limit: string): number {
  const m = /^(\d+)(kb|mb)$/i.exec(limit);
  if (!m) throw new Error(`Not a body limit: ${limit}`);
  return Number(m[1]) * (m[2]?.toLowerCase() === "mb" ? 1024 * 1024 : 1024);
}

const CSV_TYPES = new Set(["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"]);

/**
 * Checks a CSV request's headers without reading its body: a media type the route reads (else the body
 * counts as missing, as express.text treats it), UTF-8 (415 for another charset) and a Content-Encoding
 * it can decode (415 otherwise), and a Content-Length within the limit (413 before a byte is read).
 */
export function checkCsvHeaders(req: Request, limit: number): void {
  const [type = "", ...params] = (req.headers["content-type"] ?? "").split(";").map((s) => s.trim().toLowerCase());
  if (!CSV_TYPES.has(type)) throw new AppError(400, "VALIDATION_FAILED", "A request body is required: send the export as text/csv (UTF-8)");
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") throw new AppError(415 as number, "UNPROCESSABLE", "Unsupported body encoding");
  const enc = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (!["identity", "gzip", "x-gzip", "deflate", "br"].includes(enc)) throw new AppError(415 as number, "UNPROCESSABLE", "Unsupported body encoding");
  const length = Number(req.headers["content-length"]);
  if (Number.isFinite(length) && length > limit) throw new AppError(413, "BODY_TOO_LARGE", "The request body is too large");
}

/**
 * The body of a request as it arrives, decoded (Content-Encoding) and counted: more than `limit` bytes,
 * sent or decoded, is 413 BODY_TOO_LARGE (a small bomb that inflates is stopped too); bytes that do not
 * decode are 400 BAD_ENCODING. Nothing is buffered: the caller reads chunk by chunk.
 */
export async function* bodyChunks(req: Request, limit: number): AsyncGenerator<Buffer> {
  const enc = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const inflate: Transform | undefined =
    enc === "gzip" || enc === "x-gzip" ? createGunzip() : enc === "deflate" ? createInflate() : enc === "br" ? createBrotliDecompress() : undefined;
  let sent = 0;
  const counted = async function* (): AsyncGenerator<Buffer> {
    // Never destroy the request when reading stops early: that would close the socket before the error
    // answer leaves; Node discards the unread rest once the answer is sent.
    for await (const c of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      sent += c.length;
      if (sent > limit) throw new AppError(413, "BODY_TOO_LARGE", "The request body is too large");
      yield c;
    }
  };
  if (!inflate) {
    yield* counted();
    return;
  }
  // Feed the decoder from the counted request; read what it yields, counting that too.
  const source = counted();
  const feeding = (async () => {
    try {
      for await (const c of source) {
        if (inflate.destroyed) break;
        if (!inflate.write(c)) await new Promise((r) => (inflate.once("drain", r), inflate.once("close", r)));
      }
      if (!inflate.destroyed) inflate.end();
    } catch (e) {
      inflate.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  let decoded = 0;
  try {
    for await (const c of inflate as AsyncIterable<Buffer>) {
      decoded += c.length;
      if (decoded > limit) throw new AppError(413, "BODY_TOO_LARGE", "The request body is too large");
      yield c;
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(400, "BAD_ENCODING", "The request body cannot be decoded with its Content-Encoding");
  } finally {
    inflate.destroy();
    await feeding;
  }
}
