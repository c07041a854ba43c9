import type { ConsentRequest } from "../../contract/index.js";
import { AppError } from "../shared/errors.js";
import type { Principal } from "../identity/auth.js";
import type { DirectoryService } from "../directory/service.js";
import type { ConsentEvent } from "./domain.js";
import type { MessageEvidenceSource } from "./ports.js";
import type { RegisterService } from "./service.js";

export interface RecordConsentDeps {
  register: RegisterService;
  directory: DirectoryService;
  messages: MessageEvidenceSource;
}

/**
 * The use case "record a consent, from a parent's message when there is one" (POST /api/consents).
 * Without an Outlook item id the evidence is what the task pane sent. With one, the server takes its
 * own evidence (the hash of the original MIME from the coordinator's mailbox) and keeps the original,
 * when the school keeps originals, only once the consent is recorded: a refused one (not a guardian,
 * no authority) leaves nothing behind.
 *
 * An item in a shared or delegated mailbox (`evidence.mailboxOwner`) is read from that mailbox
 * (Mail.Read.Shared). When Graph may not read it there (403: no permission on that mailbox; 404: Graph
 * does not show it), the consent is recorded with the task pane's evidence (`hashSource: "client"`,
 * `mailbox` named), which the pane tells the user. Consent and sign-in answers still go to the user.
 */
export async function recordConsent(
  deps: RecordConsentDeps,
  p: Principal,
  req: ConsentRequest,
  opts: { requestKey: string | undefined; userToken: () => string },
): Promise<ConsentEvent> {
  const graphId = req.evidence?.graphMessageId;
  if (!graphId) return deps.register.recordConsent(p, req, opts.requestKey);
  const student = await deps.directory.student(p.tenantId, req.studentId);
  const owner = req.evidence?.mailboxOwner;
  let fetched;
  try {
    fetched = await deps.messages.evidence(p, opts.userToken(), graphId, student.schoolId, false, owner);
  } catch (e) {
    if (owner && sharedMailboxRefused(e)) return deps.register.recordConsent(p, req, opts.requestKey);
    throw e;
  }
  const { mime: _mime, storedAs: _stored, ...server } = fetched;
  const event = await deps.register.recordConsent(p, req, opts.requestKey, server);
  await deps.messages.keepOriginal(p, fetched, student.schoolId);
  return event;
}

/** Graph may not read the shared mailbox: no delegate permission on it (403) or the item is not shown (404). */
function sharedMailboxRefused(e: unknown): boolean {
  return e instanceof AppError && ((e.status === 403 && e.code === "GRAPH_ERROR") || (e.status === 404 && e.code === "NOT_FOUND"));
}
