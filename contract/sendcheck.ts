import { z } from "zod";
import {
  ATTACHMENT_CAPS_MB,
  ATTACHMENT_KINDS,
  ATTACHMENT_STATUSES,
  ATTACHMENT_UNREAD,
  BASES,
  CHANNEL_KINDS,
  CHECK_MODES,
  FAIL_MODES,
  PARTY_KINDS,
  REASON_CODES,
  RECIPIENT_KINDS,
  RECIPIENT_TYPES,
  SEND_BUDGET_SECONDS,
  SEND_MODES,
  VERDICTS,
  type RecipientType,
} from "./enums.js";
import { id, isoDateTime, mailAddress } from "./patterns.js";

export { REASON_CODES, type ReasonCode } from "./enums.js";

/** The internet header the on-send handler stamps on every mail it checked: `<checkId>.<mac>`. */
export const CHECK_HEADER = "x-zorgvuldig-check";
/**
 * A meeting has no internet headers: the handler keeps the stamp as this custom property of the item
 * (`loadCustomPropertiesAsync`), which Graph shows on the organiser's calendar event as the named property
 * `cecp-<add-in id>` of PS_PUBLIC_STRINGS (a JSON object of every custom property; docs/OUTLOOK.md).
 */
export const CHECK_CUSTOM_PROPERTY = "zvCheck";


/**
 * A recipient as Outlook gives it (Office.EmailAddressDetails): the address may be an SMTP address, an
 * Exchange X500 / LegacyExchangeDN ("/o=ExchangeLabs/..."), or an unresolved typed name. The server
 * resolves what is not SMTP; nothing is dropped. An unknown recipientType is kept as "other".
 */
export const recipientInput = z
  .object({
    address: z.string().trim().max(1000).default(""),
    name: z.string().trim().max(500).optional(),
    type: z
      .string()
      .max(40)
      .optional()
      .transform((t): RecipientType | undefined =>
        t === undefined ? undefined : (RECIPIENT_TYPES as readonly string[]).includes(t) ? (t as RecipientType) : "other",
      ),
  })
  .strict()
  .refine((r) => r.address.length > 0 || (r.name ?? "").length > 0, "an address or a display name");
export type RecipientInput = z.infer<typeof recipientInput>;

/** Plain SMTP strings (the first API) or recipient objects (the add-in: every recipient as Outlook gives it). */
const recipientList = z.array(z.union([mailAddress, recipientInput])).max(500).default([]);

/** The correlation id an add-in gives the attachment uploads of one check (header X-ZV-Check). */
export const correlationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "8-64 letters, digits, - or _");

/**
 * An attachment of the mail. `kind` follows Office.MailboxEnums.AttachmentType: "file", "item" (an
 * attached mail) or "cloud" (a link: only its URL is known). `receipt` is the server's signed answer to the
 * upload of its contents (POST /api/check/attachments); without one the contents were not read.
 */
export const attachmentInput = z
  .object({
    name: z.string().max(1000),
    size: z.number().int().min(0).optional(),
    kind: z.enum(ATTACHMENT_KINDS).optional(),
    contentType: z.string().max(200).optional(),
    url: z.string().max(2000).optional(),
    receipt: z.string().max(20_000).optional(),
    /** SHA-256 (hex) of the attachment's content, when the client has it: part of the check's digest. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in hex").optional(),
    /** Why the add-in did not upload the contents (over a cap, unreadable, a cloud link): shown in the warning. */
    unread: z.enum(ATTACHMENT_UNREAD).optional(),
  })
  .strict();
export type AttachmentInput = z.infer<typeof attachmentInput>;

export const checkRequest = z
  .object({
    to: recipientList,
    cc: recipientList,
    bcc: recipientList,
    subject: z.string().max(2000).default(""),
    body: z.string().max(2_000_000).default(""),
    attachments: z.array(attachmentInput).max(500).default([]),
    /** The id the add-in gave its attachment uploads (header X-ZV-Check); their receipts must carry it. */
    correlationId: correlationId.optional(),
    purposeId: id.optional(),
    /** Only on a "what if" query: judge the mail as if sent then. Refused on a recording check. */
    sentAt: isoDateTime.optional(),
    /**
     * The students the user named in the task pane for a mail in which the check recognised none
     * (ATTACHMENT_WITHOUT_STUDENT): the mail is then checked and logged as being about them.
     */
    studentIds: z.array(id).max(20).optional(),
    /** The Purview sensitivity label applied to the mail (item.sensitivityLabel, Mailbox 1.13), its id. */
    sensitivityLabelId: z.string().trim().min(1).max(100).optional(),
    /**
     * "query" (default): a check that writes nothing (task pane, playground, a preview). "send": the
     * on-send handler's recording check, which needs an Idempotency-Key and leaves one pending record
     * that Sent Items confirms (docs/SENT-ITEMS.md).
     */
    mode: z.enum(CHECK_MODES).optional(),
    /** A recording check of a mail the user overrode earlier: the override's check id (it binds to its digest). */
    overrideOf: id.optional(),
  })
  .strict();
export type CheckRequest = z.infer<typeof checkRequest>;
/** What a client sends (before defaults and the recipientType's normalisation). */
export type CheckRequestBody = z.input<typeof checkRequest>;

export const reason = z.object({ code: z.enum(REASON_CODES), message: z.string(), studentId: z.string().optional() });
export type Reason = z.infer<typeof reason>;

export const recipientResult = z.object({
  address: z.string(),
  kind: z.enum(RECIPIENT_KINDS),
  /** `channel`: how the party's agreed channel reads (absent: plain email). */
  party: z.object({ id: z.string(), name: z.string(), kind: z.enum(PARTY_KINDS), channel: z.enum(CHANNEL_KINDS).optional() }).optional(),
  /** The display name Outlook gave, when it did. */
  name: z.string().optional(),
  /** Outlook's recipientType, when given. */
  type: z.enum(RECIPIENT_TYPES).optional(),
  /** A member of a distribution list or group: the list's address. */
  via: z.string().optional(),
  verdict: z.enum(VERDICTS),
  basis: z.enum(BASES),
  reasons: z.array(reason),
});
export type RecipientResult = z.infer<typeof recipientResult>;

export const checkResponse = z.object({
  checkId: z.string().min(1),
  verdict: z.enum(VERDICTS),
  /** At most 500 characters: shown in Outlook's Smart Alerts dialog. */
  message: z.string().max(500),
  students: z.array(z.object({ id: z.string(), name: z.string() })),
  recipients: z.array(recipientResult),
  purposeId: z.string().optional(),
  /** The school's fail mode and send mode, so the add-in follows policy. */
  policy: z.object({
    sendMode: z.enum(SEND_MODES),
    failMode: z.enum(FAIL_MODES),
    /** The school's send budget (policy), kept by the handler for the next send. */
    sendBudgetSeconds: z.number().int().min(SEND_BUDGET_SECONDS.min).max(SEND_BUDGET_SECONDS.max),
    /** The school's Purview sensitivity label for encrypted mail, when it configured one. */
    encryptedMailLabelId: z.string().optional(),
    /** Caps on the attachment contents the add-in uploads (policy; defaults 10 and 25 MB). */
    attachmentMaxMb: z.number().int().min(ATTACHMENT_CAPS_MB.perAttachment.min).max(ATTACHMENT_CAPS_MB.perAttachment.max).optional(),
    mailAttachmentsMaxMb: z.number().int().min(ATTACHMENT_CAPS_MB.perMail.min).max(ATTACHMENT_CAPS_MB.perMail.max).optional(),
    /** A warned or blocked mail: the reasons the task pane offers for sending anyway (the school's list or the default). */
    overrideReasons: z.array(z.string()).optional(),
  }),
  /** What became of each attachment's contents (never the text itself). */
  attachments: z.array(z.object({ name: z.string(), status: z.enum(ATTACHMENT_STATUSES), students: z.number().int().min(0) })).optional(),
  /** A recording check only: the value of the x-zorgvuldig-check header the handler stamps (`<checkId>.<mac>`). */
  stamp: z.string().regex(/^[A-Za-z0-9_:-]{1,100}\.[A-Za-z0-9_-]{22}$/, "<checkId>.<mac>").optional(),
  /** A recording check only: until when the pending record waits for its mail in Sent Items. */
  pendingUntil: z.string().optional(),
  /** The canonical digest of the checked mail (recipients, students, attachments, body text). */
  digest: z.string().optional(),
  /** Set when an earlier override of exactly this content lets the mail go. */
  override: z.object({ checkId: z.string(), reason: z.string() }).optional(),
});
export type CheckResponse = z.infer<typeof checkResponse>;

/**
 * The upload of one attachment's contents: raw bytes (application/octet-stream, or the file's own media
 * type), never base64 in JSON. The headers tie it to a check and name the file.
 */
export const attachmentUploadHeaders = z
  .object({
    "x-zv-check": correlationId,
    /** The file name, percent-encoded (a header carries ASCII only). */
    "x-zv-name": z.string().min(1).max(3000),
  })
  .loose();
/** What the client sends as the body of a binary route (the server streams it, unparsed). */
export const uploadBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, "raw bytes");

/** The answer to an attachment upload: a signed receipt of what was found (never the text). */
export const attachmentReceipt = z.object({
  receipt: z.string(),
  name: z.string(),
  status: z.enum(["read", "unreadable", "too-large"]),
  /** Why it could not be read: encrypted, no-text, image, unsupported, timeout, damaged, too-large. */
  reason: z.string().optional(),
  /** How many students were recognised in it. */
  students: z.number().int().min(0),
  /**
   * SHA-256 (hex) of the bytes received (not for an upload over the cap). The add-in keeps it with the
   * receipt and sends it as the attachment's `sha256`, so the check's digest covers the contents.
   */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type AttachmentReceipt = z.infer<typeof attachmentReceipt>;

/**
 * The reasons offered for sending anyway when the school set none (policy `overrideReasons`), like
 * Purview's policy-tip justifications; the user may also type one. Each at least 10 characters.
 */
export const DEFAULT_OVERRIDE_REASONS: Record<"nl" | "en", readonly string[]> = {
  nl: [
    "De ouders hebben mondeling toestemming gegeven; de schriftelijke bevestiging volgt.",
    "Spoed: de veiligheid van de leerling gaat voor (meldcode).",
    "De ontvanger heeft een wettelijke taak voor dit doel.",
    "Dit is een vals alarm: de e-mail gaat niet over deze leerling.",
    "Overlegd met en goedgekeurd door de directie of de privacyfunctionaris.",
  ],
  en: [
    "The parents consented orally; the written confirmation follows.",
    "Urgent: the student's safety comes first (reporting code).",
    "The recipient has a statutory task for this purpose.",
    "This is a false alarm: the mail is not about this student.",
    "Discussed with and approved by the head or the data protection officer.",
  ],
};

export const overrideRequest = z
  .object({
    reason: z.string().trim().min(10).max(2000),
    /** The checked mail, when the check was a query (the task pane's own check): the override binds to its digest. */
    mail: checkRequest.optional(),
  })
  .strict();
export type OverrideRequest = z.infer<typeof overrideRequest>;

/** `disclosures` is 0: an override is logged (with its disclosures) once Sent Items confirms the mail was sent. */
export const overrideResponse = z.object({ checkId: z.string(), overriddenAt: z.string(), digest: z.string().optional(), disclosures: z.number() });
export type OverrideResponse = z.infer<typeof overrideResponse>;
