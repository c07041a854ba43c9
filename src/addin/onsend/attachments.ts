/**
 * Attachment contents for the check: each readable attachment is uploaded as raw bytes to
 * POST /api/check/attachments (header X-ZV-Check: this check's correlation id), and the server's signed
 * receipt goes into the check request. What was not read (over a cap, unreadable, a cloud link, an
 * upload that failed) is described instead, so the server applies the unreadable-attachment rule.
 */
import type { ApiClient } from "../../shared/api.js";
import type { AttachmentReceipt, CheckRequestBody } from "../../../contract/sendcheck.js";
import type { AttachmentContent, AttachmentInfo } from "./office.js";

type AttachmentEntry = NonNullable<CheckRequestBody["attachments"]>[number];

/** A random id for this check's uploads (no crypto API is promised in classic Outlook's runtime). */
export function newCorrelationId(): string {
  let s = "";
  for (let i = 0; i < 24; i++) s += "abcdefghijklmnopqrstuvwxyz0123456789".charAt(Math.floor(Math.random() * 36));
  return s;
}

export async function uploadAttachments(
  api: ApiClient,
  list: AttachmentInfo[],
  contents: AttachmentContent[],
  correlationId: string,
): Promise<AttachmentEntry[]> {
  return Promise.all(
    list.map(async (a, i): Promise<AttachmentEntry> => {
      const base: AttachmentEntry = { name: a.name, kind: a.kind };
      if (a.size !== undefined) base.size = a.size;
      if (a.contentType) base.contentType = a.contentType;
      const c = contents[i];
      if (!c) return Object.assign(base, { unread: "unreadable" as const });
      if ("unread" in c) return Object.assign(base, { unread: c.unread }, c.url ? { url: c.url } : {});
      // Raw bytes (routes.uploadAttachment), never base64 in JSON; the path is written out so this bundle
      // carries no schema library.
      const headers: Record<string, string> = {
        "content-type": c.contentType || "application/octet-stream",
        "x-zv-check": correlationId,
        "x-zv-name": encodeURIComponent(a.name),
      };
      try {
        const r = await api.post<Partial<AttachmentReceipt>>("/api/check/attachments", c.bytes, headers);
        return typeof r.receipt === "string" ? Object.assign(base, { receipt: r.receipt }) : Object.assign(base, { unread: "unreadable" as const });
      } catch {
        // The check itself still runs: the server warns about the attachment it could not read.
        return Object.assign(base, { unread: "unreadable" as const });
      }
    }),
  );
}
