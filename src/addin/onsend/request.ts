/**
 * The check request the handlers send (issue 14): every recipient as Outlook gave it (address, display
 * name, recipientType; never filtered), subject, full body, and each attachment's contents uploaded
 * raw before the check (their receipts in the request), or why they were not read.
 * Separate from the handler so the send, appointment and dry-run handlers build it the same way.
 */
import type { ApiClient } from "../../shared/api.js";
import type { CheckRequestBody } from "../../../contract/sendcheck.js";
import { newCorrelationId, uploadAttachments } from "./attachments.js";
import { readAttachmentCaps, readAttachmentContents, type MailSnapshot, type OfficeLike } from "./office.js";

export async function buildCheckRequest(office: OfficeLike, api: ApiClient, mail: MailSnapshot, purposeId?: string): Promise<CheckRequestBody> {
  const correlationId = newCorrelationId();
  const contents = await readAttachmentContents(office, mail.attachments, readAttachmentCaps(office));
  const body: CheckRequestBody = {
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    subject: mail.subject,
    body: mail.body,
    attachments: await uploadAttachments(api, mail.attachments, contents, correlationId),
    correlationId,
  };
  if (purposeId) body.purposeId = purposeId;
  return body;
}
