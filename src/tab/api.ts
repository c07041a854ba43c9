/**
 * The tab's typed view of the backend (docs/API.md). Types come from the server's schemas and domain
 * modules as types only; nothing of the server is bundled.
 */
import { ApiClient, ApiError } from "../shared/api.js";
import type { OverviewRow, ConsentRequest, WithdrawRequest, NoticeRequest } from "../../server/register/schemas.js";
import type { ChainProblem, ConsentEvent, NoticeEvent, RegisterEvent, WithdrawalEvent } from "../../server/register/domain.js";
import type { Party, Policy, Purpose, School } from "../../server/directory/domain.js";
import type { StudentSummary } from "../../server/directory/schemas.js";
import type { Breach, ReviewItem } from "../../server/sentitems/repository.js";
export type { Breach, ReviewItem };
import type { z } from "zod";
import type { consentStatusView } from "../../server/register/schemas.js";

export type { OverviewRow, ConsentRequest, WithdrawRequest, NoticeRequest, RegisterEvent, ConsentEvent, Party, Policy, Purpose, School, StudentSummary };
export type ConsentStatus = z.infer<typeof consentStatusView>;

export interface StudentRegister {
  student: { id: string; name: string };
  events: RegisterEvent[];
  status: ConsentStatus[];
  notices: RegisterEvent[];
  disclosures: RegisterEvent[];
  chain: { verified: boolean; problems: ChainProblem[] };
}

export interface Stats {
  expiringThisMonth: { studentId: string; name: string; partyId: string; purposeId: string; validUntil: string }[];
  disclosuresPerParty: { partyId: string; name: string; count: number }[];
  overrides: { studentId: string; name: string; checkId: string; at: string; reason: string }[];
  schoolYearStart?: string;
}

/** The access export is shown section by section; its exact shape belongs to the server. */
export type AccessExport = Record<string, unknown>;

export interface Me {
  user: string;
  tenantId: string;
  roles: string[];
  devMode: boolean;
}

const enc = encodeURIComponent;

export class TabApi {
  constructor(private readonly client: ApiClient) {}

  /** "Te beoordelen": sent mails the rules would not allow (coordinators). */
  review(): Promise<ReviewItem[]> {
    return this.client.get<{ items: ReviewItem[] }>("/api/review?state=open").then((r) => r.items);
  }
  decide(id: string, decision: "lawful" | "breach", note?: string): Promise<unknown> {
    return this.client.post(`/api/review/${enc(id)}/decision`, { decision, ...(note ? { note } : {}) });
  }
  breaches(): Promise<Breach[]> {
    return this.client.get<{ breaches: Breach[] }>("/api/breaches").then((r) => r.breaches);
  }
  overview(): Promise<OverviewRow[]> {
    return this.client.get<{ rows: OverviewRow[] }>("/api/register/overview").then((r) => r.rows);
  }
  schools(): Promise<School[]> {
    return this.client.get<{ schools: School[] }>("/api/schools").then((r) => r.schools);
  }
  students(query: string, limit = 50): Promise<StudentSummary[]> {
    return this.client.get<{ students: StudentSummary[] }>(`/api/students?query=${enc(query)}&limit=${limit}`).then((r) => r.students);
  }
  student(studentId: string): Promise<StudentSummary> {
    return this.client.get<StudentSummary>(`/api/students/${enc(studentId)}`);
  }
  register(studentId: string): Promise<StudentRegister> {
    return this.client.get<StudentRegister>(`/api/students/${enc(studentId)}/register`);
  }
  exportOf(studentId: string): Promise<AccessExport> {
    return this.client.get<AccessExport>(`/api/students/${enc(studentId)}/export`);
  }
  parties(): Promise<Party[]> {
    return this.client.get<{ parties: Party[] }>("/api/parties").then((r) => r.parties);
  }
  putParty(p: Party): Promise<Party> {
    return this.client.put<Party>(`/api/parties/${enc(p.id)}`, p);
  }
  purposes(): Promise<Purpose[]> {
    return this.client.get<{ purposes: Purpose[] }>("/api/purposes").then((r) => r.purposes);
  }
  putPurpose(p: Purpose): Promise<Purpose> {
    return this.client.put<Purpose>(`/api/purposes/${enc(p.id)}`, p);
  }
  policy(schoolId: string): Promise<Policy> {
    return this.client.get<Policy>(`/api/policies/${enc(schoolId)}`);
  }
  putPolicy(p: Policy): Promise<Policy> {
    return this.client.put<Policy>(`/api/policies/${enc(p.schoolId)}`, p);
  }
  stats(): Promise<Stats> {
    return this.client.get<Stats>("/api/stats");
  }
  recordConsent(req: ConsentRequest): Promise<ConsentEvent> {
    return this.client.post<ConsentEvent>("/api/consents", req);
  }
  withdraw(consentId: string, req: WithdrawRequest): Promise<WithdrawalEvent> {
    return this.client.post<WithdrawalEvent>(`/api/consents/${enc(consentId)}/withdraw`, req);
  }
  notice(req: NoticeRequest): Promise<NoticeEvent> {
    return this.client.post<NoticeEvent>("/api/notices", req);
  }
}

/** Field problems of a validation error, keyed by field path ("heardBy", "retention.consentYears"). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return out;
  for (const d of err.details as unknown[]) {
    if (typeof d !== "object" || d === null) continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    // The server prefixes where the problem is ("body.heardBy"); the forms know fields only.
    const key = (Array.isArray(path) ? path.join(".") : typeof path === "string" ? path : "").replace(/^(body|query|params)\.?/, "");
    if (typeof message === "string" && !(key in out)) out[key] = message;
  }
  return out;
}

export { ApiError };
