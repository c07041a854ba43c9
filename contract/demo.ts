/** The demo school's facts the server's seed and the playground share (dev mode only). */
export const DEMO_DOMAIN = "regenboog.school.example";
/** Colleagues of the demo school: internal recipients in the playground's address book. */
export const DEMO_COLLEAGUES = [`ib@${DEMO_DOMAIN}`, `directie@${DEMO_DOMAIN}`, `juf.anna@${DEMO_DOMAIN}`, `meester.kees@${DEMO_DOMAIN}`];

/** A message of the playground's simulated Sent Items (GET /dev/outlook/sent-items, dev mode only). */
export interface SentItemView {
  id: string;
  internetMessageId: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  sentAt: string;
  /** The check id of the x-zorgvuldig-check stamp ("" without one); a meeting: of its zvCheck custom property. */
  checkId: string;
  attachments: string[];
  /** A meeting request: its event in the organiser's calendar (internetMessageId is the event's iCalUId). */
  meeting?: boolean;
}
