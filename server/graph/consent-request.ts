import type { Client } from "@microsoft/microsoft-graph-client";
import { AppError } from "../shared/errors.js";
import type { ConsentRequestMail, SentRequest } from "../register/ports.js";
import { graphCall } from "./client.js";
import { IMMUTABLE_ID } from "./evidence.js";
import { CHECK_HEADER } from "../../contract/sendcheck.js";

/**
 * Sends a consent request (server/register/requests.ts makes its text) from the coordinator's own
 * mailbox, on their behalf: first as a draft (POST /me/messages, delegated Mail.ReadWrite), then sent
 * (POST /me/messages/{id}/send, Mail.Send). The draft's Internet Message-ID is returned: the parent's
 * reply carries it in In-Reply-To / References, which links the reply (the evidence) to the request.
 * The request sits in the coordinator's Sent Items like any mail they send.
 */

export type { ConsentRequestMail, SentRequest };

interface DraftAnswer {
  id?: unknown;
  internetMessageId?: unknown;
}

/** The Graph message of a server mail: HTML body, one recipient per address, the check stamp as a header. */
function graphMessage(mail: ConsentRequestMail, stamp: string | undefined): Record<string, unknown> {
  return {
    subject: mail.subject,
    body: { contentType: "HTML", content: mail.bodyHtml },
    toRecipients: mail.to.map((address) => ({ emailAddress: { address } })),
    ...(stamp ? { internetMessageHeaders: [{ name: CHECK_HEADER, value: stamp }] } : {}),
  };
}

/** `stamp`: the x-zorgvuldig-check header value the mail carries from creation (the server's own mail counts as checked). */
export async function sendConsentRequest(graph: Client, mail: ConsentRequestMail, stamp?: string): Promise<SentRequest> {
  if (mail.to.length === 0) throw new AppError(422, "UNPROCESSABLE", "The consent request has no recipient");
  const draft = await graphCall(
    () =>
      graph
        .api("/me/messages")
        .headers(IMMUTABLE_ID)
        .post({
          ...graphMessage(mail, stamp),
          // Replies come back to the coordinator, who records them as evidence.
          isDeliveryReceiptRequested: false,
        }) as Promise<DraftAnswer>,
  );
  const graphMessageId = typeof draft.id === "string" ? draft.id : "";
  const internetMessageId = typeof draft.internetMessageId === "string" ? draft.internetMessageId : "";
  if (!graphMessageId || !internetMessageId) throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph created a draft without ids");
  await graphCall(() => graph.api(`/me/messages/${encodeURIComponent(graphMessageId)}/send`).headers(IMMUTABLE_ID).post(undefined) as Promise<unknown>);
  return { internetMessageId, graphMessageId };
}

/**
 * Sends a mail as the mailbox `mailbox` (its user id or address) with the app's own token: the scheduled
 * reminders (docs/ENTRA.md, "Reminders on a schedule"). One call, `POST /users/{id}/sendMail`, which needs
 * only the application permission Mail.Send (no draft: Mail.ReadWrite is not granted to the app); Graph
 * keeps a copy in that mailbox's Sent Items. RBAC for Applications limits it to the scoped mailboxes:
 * one outside the scope answers 403 (GRAPH_ERROR). `stamp`: the server's x-zorgvuldig-check header.
 */
export async function sendMailAsApp(graph: Client, mailbox: string, mail: ConsentRequestMail, stamp?: string): Promise<void> {
  if (mail.to.length === 0) throw new AppError(422, "UNPROCESSABLE", "The reminder has no recipient");
  await graphCall(
    () =>
      graph.api(`/users/${encodeURIComponent(mailbox)}/sendMail`).post({ message: graphMessage(mail, stamp), saveToSentItems: true }) as Promise<unknown>,
  );
}
