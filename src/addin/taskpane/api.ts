/** The backend calls of the task pane, typed with the server's schemas (types only). */
import { ApiClient } from "../../shared/api.js";
import type { CheckRequest, CheckResponse } from "../../../server/sendcheck/schemas.js";
import type { ConsentRequest, NoticeRequest } from "../../../server/register/schemas.js";
import type { StudentSummary } from "../../../server/directory/schemas.js";
import type { Party, Purpose } from "../../../server/directory/domain.js";
import type { ConsentEvent } from "../../../server/register/domain.js";
import type { ConsentRequestRecord } from "../../../server/register/requests.js";
import type { MailHost } from "./host.js";

export interface GuardianMatch {
  studentId: string;
  studentName: string;
  guardianId: string;
  guardianName: string;
  hasAuthority: boolean;
  studentAge: number;
}

/** POST /api/consent-requests and GET /api/consent-requests/{id} answer the stored request record. */
export type ConsentRequestView = ConsentRequestRecord;

export class TaskpaneApi {
  readonly client: ApiClient;
  constructor(host: MailHost) {
    this.client = new ApiClient({ baseUrl: host.apiBaseUrl(), getToken: host.getToken, lang: host.language() });
  }
  /** Who is signed in, and whether the server reaches Microsoft Graph (then it hashes the original itself). */
  me(): Promise<{ devMode: boolean; graph?: boolean }> {
    return this.client.get("/api/me");
  }
  check(body: CheckRequest): Promise<CheckResponse> {
    return this.client.post<CheckResponse>("/api/check", body);
  }
  getCheck(checkId: string): Promise<CheckResponse> {
    return this.client.get<CheckResponse>(`/api/checks/${encodeURIComponent(checkId)}`);
  }
  /** Records an override bound to the mail's digest (logged once the mail is in Sent Items). */
  override(checkId: string, reason: string, mail: CheckRequest): Promise<{ checkId: string; digest: string }> {
    return this.client.post(`/api/checks/${encodeURIComponent(checkId)}/override`, { reason, mail });
  }
  lookupGuardian(email: string): Promise<{ matches: GuardianMatch[] }> {
    return this.client.get(`/api/guardians/lookup?email=${encodeURIComponent(email)}`);
  }
  getRequest(requestId: string): Promise<ConsentRequestView> {
    return this.client.get(`/api/consent-requests/${encodeURIComponent(requestId)}`);
  }
  createRequest(b: { studentId: string; partyId: string; purposeId: string; lang: "nl" | "en" }): Promise<ConsentRequestView> {
    return this.client.post("/api/consent-requests", b);
  }
  parties(): Promise<{ parties: Party[] }> {
    return this.client.get("/api/parties");
  }
  purposes(): Promise<{ purposes: Purpose[] }> {
    return this.client.get("/api/purposes");
  }
  students(query = ""): Promise<{ students: StudentSummary[] }> {
    return this.client.get(`/api/students?limit=200${query ? `&query=${encodeURIComponent(query)}` : ""}`);
  }
  recordConsent(b: ConsentRequest): Promise<ConsentEvent> {
    return this.client.post("/api/consents", b);
  }
  notice(b: NoticeRequest): Promise<unknown> {
    return this.client.post("/api/notices", b);
  }
}

/** SHA-256 (hex) of text, in the browser (crypto.subtle). */
export async function sha256Hex(text: string): Promise<string> {
  const buf = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `[ZV-<requestId>]` tag a consent request's subject carries (and replies keep). */
export function findRequestTag(...texts: string[]): string | undefined {
  for (const t of texts) {
    const m = /\[ZV-([A-Za-z0-9._~:@-]{1,100})\]/.exec(t);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** The parent's own words: the reply above any quoted text, at most 500 characters. */
export function excerptOf(body: string): string {
  const lines = body.replace(/\r\n/g, "\n").split("\n");
  const stop = lines.findIndex((l) => /^\s*(>|Op .+ schreef|On .+ wrote|-{2,}\s*(Oorspronkelijk|Original)|Van:|From:)/i.test(l));
  const own = (stop >= 0 ? lines.slice(0, stop) : lines).join("\n").replace(/\n{3,}/g, "\n\n").trim();
  return own.length <= 500 ? own : own.slice(0, 499) + "…";
}

/** A guess at the parent's decision from their words (the user confirms it). */
export function guessDecision(text: string): "granted" | "refused" {
  return /\b(geen toestemming|niet akkoord|weiger|do not consent|don't consent|not consent|refuse)/i.test(text) ? "refused" : "granted";
}
