import type { ChannelKind } from "../../contract/enums.js";
import type { Party } from "../directory/domain.js";
import type { ContentFinding } from "./content-rules.js";

/**
 * The agreed channel (DOMAIN.md section 2): a party may have agreed with the school to receive student
 * data another way than plain email (the inspectorate's secure portal, encrypted mail). Pure; each
 * function's comment is the rule.
 */

/** "e-mail", "mail", "gewone e-mail", "plain email": the channel is plain email. */
const PLAIN_EMAIL = /^(gewone |normale |plain |regular |ordinary )?(e-?mail|mail)( ?adres| address)?$/;
/** "versleutelde mail", "encrypted email", "beveiligde e-mail", "secure mail": encrypted mail. */
const ENCRYPTED_MAIL = /versleutel|encrypt|(beveiligde?|secure) (e-?)?mail/;

/**
 * How a party's agreed channel reads. None agreed (absent or empty) is plain email, as is a channel
 * named "e-mail"; a channel naming encrypted ("versleuteld", "encrypted") or secure mail is encrypted
 * mail; anything else (a portal, a secure channel, post) is another channel.
 */
export function channelKind(agreedChannel: string | undefined): ChannelKind {
  const c = (agreedChannel ?? "").trim().toLowerCase().replace(/\s+/g, " ");
  if (c.length === 0 || PLAIN_EMAIL.test(c)) return "email";
  return ENCRYPTED_MAIL.test(c) ? "encrypted-mail" : "other";
}

/**
 * A mail about a student to a party whose agreed channel is not plain email is a warning that names the
 * channel, for every school (no licence needed). A mail carrying the school's Purview sensitivity label
 * for encrypted mail (`encrypted`) satisfies a channel of encrypted mail; nothing sent as mail satisfies
 * another channel (a portal).
 */
export function agreedChannelRule(party: Pick<Party, "name" | "agreedChannel">, encrypted: boolean): ContentFinding[] {
  const kind = channelKind(party.agreedChannel);
  if (kind === "email" || (kind === "encrypted-mail" && encrypted)) return [];
  return [
    {
      verdict: "warn",
      code: "AGREED_CHANNEL",
      params: { party: party.name, channel: party.agreedChannel?.trim(), encryptable: kind === "encrypted-mail" },
    },
  ];
}
