import type { Principal } from "../identity/auth.js";
import type { Evidence } from "./domain.js";

/**
 * What the register needs from the mail system (Microsoft Graph), as interfaces: server/graph/
 * implements them, the register never imports Graph.
 */

/** The server's own evidence of a message: the hash of its original MIME (DOMAIN.md section 3). */
export interface ServerEvidence extends Evidence {
  hashSource: "server-mime";
  /** The MIME bytes (for the caller; never serialised into an API answer). */
  mime?: Buffer;
  /** Where the kept MIME was stored (when kept). */
  storedAs?: string;
}

export interface MessageEvidenceSource {
  /**
   * The server's own evidence of a message in the user's mailbox. The MIME is kept when the school's
   * policy says so, unless `keep` is false (then the caller keeps it with keepOriginal once it is sure).
   * With `mailboxOwner` the message is in that shared or delegated mailbox, not the user's own.
   */
  evidence(p: Principal, userToken: string, graphMessageId: string, schoolId?: string, keep?: boolean, mailboxOwner?: string): Promise<ServerEvidence>;
  /** Keeps the original message when the school's policy says so; returns where, or undefined. */
  keepOriginal(p: Principal, ev: ServerEvidence, schoolId: string): Promise<string | undefined>;
}

export interface ConsentRequestMail {
  to: string[];
  subject: string;
  bodyHtml: string;
}

export interface SentRequest {
  /** Internet Message-ID of the sent request. */
  internetMessageId: string;
  /** The Outlook item id of the draft (immutable id). */
  graphMessageId: string;
}

/** Sends a mail from the user's own mailbox and returns its Internet Message-ID. */
export interface MailSender {
  send(p: Principal, userToken: string, mail: ConsentRequestMail): Promise<SentRequest>;
  /** false: this server cannot send at all (dev mode, no Graph), so a round stops before it claims anything. */
  readonly configured?: boolean;
}

/** Issues a holder's personal link to the parents' page (server/portal/links.ts implements it). */
export interface ParentLinkIssuer {
  issue(tenantId: string, requestId: string, holder: `g:${string}` | "student", expiresAt: string): Promise<{ linkId: string; url: string }>;
}
