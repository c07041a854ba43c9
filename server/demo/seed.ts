import type { DirectoryService } from "../directory/service.js";
import type { RegisterService } from "../register/service.js";
import type { ConsentRequestService } from "../register/requests.js";
import type { Principal } from "../identity/auth.js";
import { CLASS_LIST_GROUP, DEMO_SCHOOL_ID, demoImport } from "./data.js";
import { sha256Hex } from "../shared/hash.js";

export const DEMO_TENANT = "7a1f2c3e-5b6d-4e8f-9a0b-1c2d3e4f5a6b";

/**
 * Seeds the demo school once (when the tenant has no schools yet): the directory, then a few
 * consents, a refusal, a withdrawal and a notice. Returns whether anything was seeded.
 */
/** What seeding needs of the server's services. */
export interface SeedServices {
  directory: DirectoryService;
  register: RegisterService;
  /** Consent requests (absent: the demo has none). */
  requests?: ConsentRequestService;
}

export async function seedDemo(services: SeedServices, tenantId = DEMO_TENANT, now = new Date()): Promise<boolean> {
  const snap = await services.directory.snapshot(tenantId);
  if (snap.directory.schools.some((s) => s.id === DEMO_SCHOOL_ID)) return false;
  const demo = demoImport();
  await services.directory.import(tenantId, demo);
  const p: Principal = { userId: "demo-seed", tenantId, roles: ["coordinator"], schools: "all" };
  const daysAgo = (d: number): string => new Date(now.getTime() - d * 86400_000).toISOString();
  // Evidence of a demo reply: the hash is of the demo message as it would have arrived.
  const ev = (sender: string, d: number) => {
    const messageId = `<demo-${sender.split("@")[0]}-${d}@mail.example>`;
    const mime = `Message-ID: ${messageId}\r\nFrom: ${sender}\r\nDate: ${daysAgo(d)}\r\nSubject: Re: Toestemming gevraagd\r\n\r\nIk geef toestemming.\r\n`;
    return { messageId, sender, date: daysAgo(d), sha256: sha256Hex(mime), excerpt: "Ik geef toestemming." };
  };
  // Jan de Vries: the mother consented to the JGZ consult (valid).
  await services.register.recordConsent(p, {
    studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", decision: "granted",
    givenBy: { guardianId: "lln-001-o1" }, method: "email", givenAt: daysAgo(20), evidence: ev("ouder1.devries@mail.example", 20),
  });
  // Noor van der Berg (divorced parents): mother consented to the dyslexia assessment, the father not yet (far-reaching).
  await services.register.recordConsent(p, {
    studentId: "lln-002", partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie", decision: "granted",
    givenBy: { guardianId: "lln-002-o1" }, method: "email", givenAt: daysAgo(10), evidence: ev("marieke.vdberg@mail.example", 10),
  });
  // Daan Jansen: the mother refused the wijkteam.
  await services.register.recordConsent(p, {
    studentId: "lln-003", partyId: "wijkteam", purposeId: "jeugdhulp", decision: "refused",
    givenBy: { guardianId: "lln-003-o1" }, method: "paper", givenAt: daysAgo(15),
  });
  // Zoë Bakker: consent for school social work, later withdrawn by the father.
  const smw = await services.register.recordConsent(p, {
    studentId: "lln-004", partyId: "smw", purposeId: "smw-begeleiding", decision: "granted",
    givenBy: { guardianId: "lln-004-o1" }, method: "oral", heardBy: "ib@regenboog.school.example", givenAt: daysAgo(40),
  });
  await services.register.withdraw(p, smw.id, { by: { guardianId: "lln-004-o2" }, at: daysAgo(5), reason: "Wil eerst zelf contact" });
  // Sem van Dijk: parents informed of the SWV application (legal basis).
  await services.register.notice(p, { studentId: "lln-005", partyId: "swv", purposeId: "tlv-aanvraag", informedAt: daysAgo(3), method: "meeting" });
  // Lotte Visser: both parents consented to the referral to jeugdhulp (far-reaching); it ends within the month.
  for (const guardianId of ["lln-006-o1", "lln-006-o2"])
    await services.register.recordConsent(p, {
      studentId: "lln-006", partyId: "wijkteam", purposeId: "jeugdhulp", decision: "granted",
      givenBy: { guardianId }, method: "paper", givenAt: daysAgo(300), validUntil: new Date(now.getTime() + 12 * 86400_000).toISOString(),
    });
  // Julia de Graaf: a report to Veilig Thuis; the parents were deliberately not informed (unsafe), and
  // the report is left out of the parents' access export while that lasts.
  await services.register.notice(p, {
    studentId: "lln-010", partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", informedAt: daysAgo(2), method: "meeting",
    notInformed: { reason: "Informeren brengt het kind in gevaar (afweging meldcode stap 4, met aandachtsfunctionaris)" },
  });
  await services.register.restrict(p, "lln-010", {
    partyId: "veilig-thuis", purposeId: "melding-veilig-thuis",
    reason: "Inzage door de ouders brengt het kind in gevaar zolang het onderzoek van Veilig Thuis loopt",
    reviewBy: new Date(now.getTime() + 90 * 86400_000).toISOString().slice(0, 10),
  });
  // Groep 7's class list for the JGZ health check goes to the GGD on the basis of the Wet publieke
  // gezondheid (R-GGD-CLASS-LIST, no consent needed); the parents were told by letter beforehand.
  for (const st of demo.students ?? [])
    if (st.className === CLASS_LIST_GROUP && !st.leftDate)
      await services.register.notice(p, { studentId: st.id, partyId: "ggd", purposeId: "klassenlijst-jgz", informedAt: daysAgo(30), method: "letter" });
  // Hüseyin Yılmaz (16): his own consent for school social work.
  await services.register.recordConsent(p, {
    studentId: "lln-030", partyId: "smw", purposeId: "smw-begeleiding", decision: "granted",
    givenBy: { student: true }, method: "paper", givenAt: daysAgo(7),
  });
  // Finn Smit: the GGD's JGZ consult was asked eight days ago and neither parent answered yet: a reminder is
  // due (Open verzoeken and the overview show it). Recorded as sent by ib@demo (the dev user, the Graph
  // simulation's mailbox); the seed itself sends no mail.
  if (services.requests) {
    const ib: Principal = { ...p, userId: "ib@demo" };
    const req = await services.requests.create(ib, { studentId: "lln-007", partyId: "ggd", purposeId: "jgz-consult" });
    await services.requests.sendOnce(ib, req.requestId, async (l) => `<demo-${req.requestId}-${l.to.split("@")[0]}@regenboog.school.example>`, () => new Date(now.getTime() - 8 * 86400_000));
  }
  return true;
}
