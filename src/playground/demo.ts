/**
 * The playground's demo content: the guided examples, the inbox replies and the address book built from
 * the demo school (GET /api/students, GET /api/parties). All people are fictional (server/demo/data.ts).
 */
import type { Party } from "../../contract/directory.js";
import type { StudentSummary } from "../../contract/directory.js";
import { DEMO_COLLEAGUES, DEMO_DOMAIN } from "../../contract/demo.js";
import type { SimComposeMail } from "./office-sim.js";
import type { Lang, Strings } from "./i18n.js";

export const USER_EMAIL = `ib@${DEMO_DOMAIN}`;
export const USER_NAME = "Intern begeleider";

export type Expected = "allow" | "warn" | "block";

export interface TourExample {
  id: "colleague" | "wrong-parent" | "ggd" | "leerplicht";
  title: string;
  description: string;
  expected: Expected;
  /** The reason code the check is expected to give (documentation and tests). */
  code: string;
  mail: SimComposeMail;
}

export function tourExamples(lang: Lang): TourExample[] {
  const en = lang === "en";
  return [
    {
      id: "colleague",
      title: en ? "1. To a colleague" : "1. Aan een collega",
      description: en ? "A note about Daan Jansen to a teacher at the school." : "Een overdracht over Daan Jansen aan een juf van de school.",
      expected: "allow",
      code: "INTERNAL",
      mail: {
        to: [`juf.anna@${DEMO_DOMAIN}`],
        cc: [],
        bcc: [],
        subject: en ? "Handover group 6" : "Overdracht groep 6",
        body: en
          ? "Hi Anna,\n\nDaan Jansen needs some extra support with arithmetic this week.\n\nKind regards"
          : "Hoi Anna,\n\nDaan Jansen heeft deze week wat extra ondersteuning nodig bij rekenen.\n\nGroet",
        attachments: [],
      },
    },
    {
      id: "wrong-parent",
      title: en ? "2. To the wrong parent" : "2. Aan de verkeerde ouder",
      description: en
        ? "A report about Jan de Vries sent to a parent of Lotte Visser."
        : "Een verslag over Jan de Vries aan een ouder van Lotte Visser.",
      expected: "block",
      code: "OTHER_STUDENTS_GUARDIAN",
      mail: {
        to: ["ouder1.visser@mail.example"],
        cc: [],
        bcc: [],
        subject: en ? "Report of our meeting" : "Verslag van ons gesprek",
        body: en
          ? "Dear parent,\n\nAttached is the report of our meeting about Jan de Vries.\n\nKind regards"
          : "Beste ouder,\n\nIn de bijlage het verslag van ons gesprek over Jan de Vries.\n\nMet vriendelijke groet",
        attachments: [{ name: "verslag-gesprek.pdf", size: 48213 }],
      },
    },
    {
      id: "ggd",
      title: en ? "3. To the GGD without consent" : "3. Aan de GGD zonder toestemming",
      description: en
        ? "A question about Sem van Dijk to the youth doctor; his parents never consented."
        : "Een vraag over Sem van Dijk aan de jeugdarts; zijn ouders gaven geen toestemming.",
      expected: "block",
      code: "NO_CONSENT",
      mail: {
        to: ["jgz@ggd-voorbeeldregio.example"],
        cc: [],
        bcc: [],
        subject: en ? "Consultation request" : "Aanmelding consult",
        body: en
          ? "Dear doctor,\n\nWe would like to discuss Sem van Dijk (group 5) with you: he is often tired in class.\n\nKind regards"
          : "Beste jeugdarts,\n\nGraag bespreken we Sem van Dijk (groep 5) met u: hij is vaak moe in de klas.\n\nMet vriendelijke groet",
        attachments: [],
      },
    },
    {
      id: "leerplicht",
      title: en ? "4. To the attendance officer" : "4. Aan leerplicht",
      description: en
        ? "An absence report about Finn Smit; the parents have not been informed yet."
        : "Een verzuimmelding over Finn Smit; de ouders zijn nog niet geïnformeerd.",
      expected: "warn",
      code: "PARENTS_NOT_INFORMED",
      mail: {
        to: ["verzuim@leerplicht.voorbeeldstad.example"],
        cc: [],
        bcc: [],
        subject: en ? "Absence report" : "Verzuimmelding",
        body: en
          ? "Dear attendance officer,\n\nFinn Smit has been absent without leave for 16 hours in the past four weeks.\n\nKind regards"
          : "Beste leerplichtambtenaar,\n\nFinn Smit was de afgelopen vier weken 16 uur ongeoorloofd afwezig.\n\nMet vriendelijke groet",
        attachments: [{ name: "verzuimoverzicht.xlsx", size: 10240 }],
      },
    },
  ];
}

/** A received message in the simulated inbox. */
export interface InboxMessage {
  id: string;
  internetMessageId: string;
  from: { emailAddress: string; displayName: string };
  subject: string;
  body: string;
  date: Date;
}

const minutesAgo = (m: number): Date => new Date(Date.now() - m * 60_000);

/**
 * The demo replies. `ggdRequest` is a real consent request (POST /api/consent-requests) for Jan de Vries
 * and the GGD, so the father's reply carries its [ZV-...] tag; without it the reply has no tag.
 */
export function inboxMessages(lang: Lang, session: string, ggdRequest?: { subject: string; bodyText: string }): InboxMessage[] {
  const en = lang === "en";
  const id = (n: string) => `<playground-${n}-${session}@mail.example>`;
  const quote = (s: string) =>
    s
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n");
  return [
    {
      id: "dyslexia-father",
      internetMessageId: id("dyslexie"),
      from: { emailAddress: "erik.hoekstra@mail.example", displayName: "Erik Hoekstra" },
      subject: en ? "Re: Dyslexia assessment for Noor" : "Re: Onderzoek naar dyslexie voor Noor",
      body: en
        ? "Dear Ms. IB,\n\nI also give my consent for the dyslexia assessment of Noor by Dyslexiepraktijk Letterwijs.\n\nKind regards,\nErik Hoekstra\n\n> On Monday the school wrote:\n> We would like to ask Dyslexiepraktijk Letterwijs to assess Noor."
        : "Beste juf,\n\nIk geef ook toestemming voor het onderzoek naar dyslexie van Noor door Dyslexiepraktijk Letterwijs.\n\nMet vriendelijke groet,\nErik Hoekstra\n\n> Op maandag schreef de school:\n> Wij willen Dyslexiepraktijk Letterwijs vragen Noor te onderzoeken.",
      date: minutesAgo(12),
    },
    {
      id: "ggd-father",
      internetMessageId: id("ggd"),
      from: { emailAddress: "ouder2.devries@mail.example", displayName: "Peter de Vries" },
      subject: ggdRequest ? `Re: ${ggdRequest.subject}` : en ? "Re: Consent for the youth doctor" : "Re: Toestemming jeugdarts",
      body: `${en ? "I give my consent." : "Ik geef toestemming."}\n\nPeter de Vries\n\n${quote(ggdRequest?.bodyText ?? (en ? "May we discuss Jan with the youth doctor?" : "Mogen wij Jan bespreken met de jeugdarts?"))}`,
      date: minutesAgo(35),
    },
    {
      id: "not-a-guardian",
      internetMessageId: id("buurvrouw"),
      from: { emailAddress: "ria.smit@mail.example", displayName: "Ria Smit" },
      subject: en ? "Consent for Finn" : "Toestemming voor Finn",
      body: en
        ? "Hello,\n\nI am Finn's aunt. I give consent for the meeting with the youth doctor.\n\nRia"
        : "Hallo,\n\nIk ben de tante van Finn. Ik geef toestemming voor het gesprek met de jeugdarts.\n\nRia",
      date: minutesAgo(80),
    },
    {
      id: "no-authority",
      internetMessageId: id("gezag"),
      from: { emailAddress: "ron.verhoef@mail.example", displayName: "Ron Verhoef" },
      subject: en ? "Re: Neighbourhood team for Daan" : "Re: Wijkteam voor Daan",
      body: en ? "I agree, go ahead.\n\nRon Verhoef" : "Ik ga akkoord, ga uw gang.\n\nRon Verhoef",
      date: minutesAgo(140),
    },
  ];
}

/** One suggestion of the address book. */
export interface AddressEntry {
  address: string;
  label: string;
}

/** A plausible mailbox at a party's domain (the check matches the domain). */
const LOCAL_PART: Record<string, string> = {
  leerplicht: "verzuim",
  swv: "loket",
  "new-school-primary": "administratie",
  "new-school-secondary": "administratie",
  "veilig-thuis": "advies",
  ggd: "jgz",
  smw: "smw",
  wijkteam: "aanmelding",
  specialist: "intake",
  inspectie: "loket",
  duo: "info",
  processor: "info",
};

export function addressBook(students: StudentSummary[], parties: Party[], t: Strings): AddressEntry[] {
  const out = new Map<string, AddressEntry>();
  const add = (address: string, label: string) => {
    const k = address.toLowerCase();
    if (!out.has(k)) out.set(k, { address, label });
  };
  for (const c of DEMO_COLLEAGUES) add(c, `${c.split("@")[0] ?? c} (${t.kindColleague})`);
  for (const p of parties) {
    for (const a of p.addresses) add(a, p.name);
    for (const d of p.domains) add(`${LOCAL_PART[p.kind] ?? "info"}@${d}`, p.name);
  }
  for (const s of students) for (const g of s.guardians) for (const e of g.emails) add(e, `${g.name} (${t.kindGuardian(s.name)})`);
  return [...out.values()];
}
