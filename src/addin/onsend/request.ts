/**
 * The check request of the item being composed (issue 14), built the same way by the send and
 * appointment handlers, the early warnings and the task pane: every recipient as Outlook gave it
 * (address, display name, recipientType; never filtered; a meeting's attendees and rooms), subject, full
 * body, each attachment's contents uploaded raw (or a kept receipt of the same file reused; attachments.ts)
 * or why they were not read, and what the task pane left in the item's session data for this mail (the
 * purpose, the students named) and its sensitivity label. The handler adds `mode: "send"` and an override.
 */
import type { ApiClient } from "../../shared/api.js";
import type { CheckRequestBody } from "../../../contract/sendcheck.js";
import { attachmentsForCheck } from "./attachments.js";
import { readSessionPurpose, readSessionStudents, type MailSnapshot, type OfficeLike } from "./office.js";

/** `upload: false`: attachments not uploaded before are named only (the early check of a recipient change). */
export async function buildCheckRequest(office: OfficeLike, api: ApiClient, mail: MailSnapshot, upload = true): Promise<CheckRequestBody> {
  const [purposeId, studentIds, files] = await Promise.all([
    // The purpose the user chose in the task pane; without one the party's default decides (the server's message names it).
    readSessionPurpose(office),
    // The students the user named in the pane for a mail in which the check recognised none.
    readSessionStudents(office),
    attachmentsForCheck(office, api, mail.attachments, upload),
  ]);
  const body: CheckRequestBody = {
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    subject: mail.subject,
    body: mail.body,
    attachments: files.attachments,
    correlationId: files.correlationId,
  };
  if (purposeId) body.purposeId = purposeId;
  if (studentIds) body.studentIds = studentIds;
  // The school's label for encrypted mail satisfies a party's agreed channel of encrypted mail.
  if (mail.sensitivityLabelId) body.sensitivityLabelId = mail.sensitivityLabelId;
  return body;
}
