import { writeFileSync } from "node:fs";
import { accessLetterPdf } from "../server/documents/access-letter.ts";
import type { AccessExport } from "../contract/register.ts";
const doc: AccessExport = {
  generatedAt: "2026-11-30T10:00:00Z",
  controller: { name: "Stichting X", school: "OBS De Regenboog", brin: "12AB", board: "Stichting Openbaar Onderwijs Regenboogland" },
  student: { name: "Jan de Vries", studentNumber: "100001", birthDate: "2016-03-04", className: "groep 6" },
  guardians: [{ name: "Maria de Vries", relation: "mother", hasAuthority: true }, { name: "Peter de Vries", relation: "father", hasAuthority: true }],
  categories: ["Identificerende gegevens (naam, leerlingnummer, geboortedatum, klas)", "Toestemmingen, weigeringen en intrekkingen met bewijs"],
  purposes: ["Beslissing over toelaatbaarheid", "Jeugdgezondheidszorg-consult"],
  consents: Array.from({ length: 6 }, (_, i) => ({ decision: i % 3 === 2 ? "refused" as const : "granted" as const, party: "GGD Voorbeeldregio", purpose: "Jeugdgezondheidszorg-consult", givenBy: "Maria de Vries", method: "email" as const, givenAt: `2026-09-0${i + 1}T08:00:00Z`, validUntil: "2027-07-31T21:59:59Z", informationShown: "Wie is verantwoordelijk: Stichting.\nWaarvoor: consult.", evidence: { messageId: `<CAFx${i}abc.def@mail.gmail.com>`, date: "2026-09-01T08:00:00Z", sha256: "ab".repeat(32) }, ...(i === 1 ? { withdrawnAt: "2026-10-01T08:00:00Z" } : {}) })),
  notices: [{ party: "Leerplicht", purpose: "Verzuimmelding", informedAt: "2026-09-05T08:00:00Z", method: "letter" }],
  recipients: Array.from({ length: 14 }, (_, i) => ({ party: i % 2 ? "Samenwerkingsverband Passend Onderwijs" : "Veilig Thuis", basis: i % 2 ? "consent" as const : "legal" as const, purpose: "Beslissing over toelaatbaarheidsverklaring", at: `2026-10-${String(i + 1).padStart(2, "0")}T08:00:00Z`, sentBy: "medewerker" })),
  overrides: [{ at: "2026-10-02T08:00:00Z", reason: "[weggelaten]" }],
  dataBreaches: [{ what: "Mail aan verkeerde ontvanger", categories: ["leerlingzorg"], flaggedAt: "2026-10-03T08:00:00Z", awareAt: "2026-10-04T08:00:00Z", recipient: "[weggelaten: gegevens van anderen]" }],
  retention: { studentFile: "2 jaar na uitschrijving", absenceAndEnrolment: "5 jaar", referral: "3 jaar", consentRecords: "zolang", disclosureLog: "2 jaar" },
  sources: ["De leerlingadministratie van de school"],
  rights: ["Inzage (art. 15 AVG): binnen een maand, kosteloos", "Een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl)"],
  decisionTerm: "Op een verzoek beslist de school binnen een maand.",
};
const t0 = Date.now();
const pdf = await accessLetterPdf(doc, "nl");
console.log("ms", Date.now() - t0, "bytes", pdf.length);
writeFileSync("/tmp/e17doc/letter.pdf", pdf);
const { getDocumentProxy, extractText } = await import("unpdf");
const p = await getDocumentProxy(new Uint8Array(pdf));
const { text } = await extractText(p, { mergePages: false });
console.log(JSON.stringify(text, null, 1).slice(0, 6000));
for (let i = 0; i < 2; i++) { const t1 = Date.now(); await accessLetterPdf(doc, "nl"); console.log("again ms", Date.now() - t1); }
