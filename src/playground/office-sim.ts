/**
 * The playground's simulated Outlook: the project's Office.js double (src/shared/office-double.ts) as the
 * demo school's mailbox ("Outlook (simulatie)", the intern begeleider of De Regenboog). It is not
 * Microsoft's Office.js and never talks to Exchange. The playground installs it as `window.Office`, loads
 * the real onsend.js into it and mounts the real task pane on OfficeMailHost over it.
 */
import {
  OfficeDouble,
  OFFICE_ENUMS,
  SendTimeout,
  htmlToText,
  type CompletedOptions,
  type ComposeMail,
  type OfficeDoubleOptions,
  type ReadMail,
} from "../shared/office-double.js";

export { htmlToText };
export type SimComposeMail = ComposeMail;
export type SimReadMail = ReadMail;
export type SimCompletedOptions = CompletedOptions;
export const SIM_ENUMS = OFFICE_ENUMS;
export const SimSendTimeout = SendTimeout;

export class OfficeSim extends OfficeDouble {
  constructor(opts: OfficeDoubleOptions = {}) {
    super({ userEmail: "ib@regenboog.school.example", hostName: "Outlook (simulatie)", ...opts });
  }
}
