/**
 * The handler's own texts (the verdict messages come from the backend in the user's language), a
 * catalogue of the one mechanism (contract/i18n.ts). Only these texts go into the on-send bundle.
 */
import { defineCatalogue, texts, type Lang, type Texts } from "../../../contract/i18n.js";

export type { Lang };
export type Failure = "unreachable" | "timeout" | "invalid" | "auth" | "item" | "signin" | "consent";

/** The placeholder `{s}` in the timeout texts: the school's send budget in seconds (filled with `fill`). */

const TEXT = {
  nl: {
    takeAction: "Actie ondernemen",
    /** The early warning's InfoBar: its action, and the way out the message itself names (Mac shows no action). */
    check: "Controleren",
    earlyHint: " Kies Controleren in het lint.",
    failBlock: {
      unreachable: "Zorgvuldig kon niet controleren of u deze gegevens mag delen: de server is niet bereikbaar. Uw school heeft ingesteld dat er dan niet verzonden wordt. Probeer het zo opnieuw of kies „Actie ondernemen”.",
      timeout: "Zorgvuldig kon niet op tijd controleren of u deze gegevens mag delen (de server reageerde niet binnen {s} seconden). Uw school heeft ingesteld dat er dan niet verzonden wordt. Probeer het opnieuw.",
      invalid: "Zorgvuldig kreeg een onbruikbaar antwoord bij de controle. Uw school heeft ingesteld dat er dan niet verzonden wordt. Probeer het opnieuw of meld het aan de beheerder.",
      auth: "Zorgvuldig kon u niet aanmelden bij de controle. Uw school heeft ingesteld dat er dan niet verzonden wordt. Meld u opnieuw aan of neem contact op met de beheerder.",
      item: "Zorgvuldig kon dit bericht niet lezen om het te controleren. Uw school heeft ingesteld dat er dan niet verzonden wordt.",
      signin: "Zorgvuldig moet u opnieuw aanmelden (bijvoorbeeld met een extra verificatiestap) voordat het dit bericht kan controleren. Kies „Actie ondernemen”, meld u aan in het taakvenster en verstuur daarna opnieuw.",
      consent: "Zorgvuldig heeft uw toestemming nodig om namens u Microsoft 365 te gebruiken. Kies „Actie ondernemen” om die in het taakvenster te geven, of vraag uw beheerder om toestemming voor de hele school. Verstuur daarna opnieuw.",
    },
    /** Outlook refused the handler's first answer: the only second answer, kept minimal. */
    completeFailed: "Zorgvuldig kon de controle niet afronden. Het bericht is niet verzonden. Probeer het opnieuw.",
    failPrompt: {
      unreachable: "Zorgvuldig kon niet controleren of u deze gegevens mag delen: de server is niet bereikbaar. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      timeout: "Zorgvuldig kon niet binnen {s} seconden controleren of u deze gegevens mag delen. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      invalid: "Zorgvuldig kreeg een onbruikbaar antwoord bij de controle. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      auth: "Zorgvuldig kon u niet aanmelden bij de controle. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      item: "Zorgvuldig kon dit bericht niet lezen om het te controleren. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      signin: "Zorgvuldig moet u opnieuw aanmelden (bijvoorbeeld met een extra verificatiestap) en kon dit bericht daarom niet controleren. Meld u aan via „Controleren” in het lint. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      consent: "Zorgvuldig heeft uw toestemming nodig om namens u Microsoft 365 te gebruiken en kon dit bericht daarom niet controleren. Geef die via „Controleren” in het lint of vraag uw beheerder. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
    },
  },
  en: {
    takeAction: "Take action",
    check: "Check",
    earlyHint: " Choose Check on the ribbon.",
    failBlock: {
      unreachable: "Zorgvuldig could not check whether you may share this information: the server cannot be reached. Your school has set that nothing is sent then. Try again shortly or choose 'Take action'.",
      timeout: "Zorgvuldig could not check in time whether you may share this information (no answer within {s} seconds). Your school has set that nothing is sent then. Try again.",
      invalid: "Zorgvuldig received an unusable answer from the check. Your school has set that nothing is sent then. Try again or tell your administrator.",
      auth: "Zorgvuldig could not sign you in for the check. Your school has set that nothing is sent then. Sign in again or contact your administrator.",
      item: "Zorgvuldig could not read this message to check it. Your school has set that nothing is sent then.",
      signin: "Zorgvuldig needs you to sign in again (for example with an extra verification step) before it can check this message. Choose 'Take action', sign in in the task pane, then send again.",
      consent: "Zorgvuldig needs your consent to use Microsoft 365 on your behalf. Choose 'Take action' to give it in the task pane, or ask your administrator to consent for the whole school. Then send again.",
    },
    /** Outlook refused the handler's first answer: the only second answer, kept minimal. */
    completeFailed: "Zorgvuldig could not finish the check. The message was not sent. Please try again.",
    failPrompt: {
      unreachable: "Zorgvuldig could not check whether you may share this information: the server cannot be reached. Send only if you are sure there is a legal basis or consent.",
      timeout: "Zorgvuldig could not check within {s} seconds whether you may share this information. Send only if you are sure there is a legal basis or consent.",
      invalid: "Zorgvuldig received an unusable answer from the check. Send only if you are sure there is a legal basis or consent.",
      auth: "Zorgvuldig could not sign you in for the check. Send only if you are sure there is a legal basis or consent.",
      item: "Zorgvuldig could not read this message to check it. Send only if you are sure there is a legal basis or consent.",
      signin: "Zorgvuldig needs you to sign in again (for example with an extra verification step) and could not check this message. Sign in through 'Check' on the ribbon. Send only if you are sure there is a legal basis or consent.",
      consent: "Zorgvuldig needs your consent to use Microsoft 365 on your behalf and could not check this message. Give it through 'Check' on the ribbon or ask your administrator. Send only if you are sure there is a legal basis or consent.",
    },
  },
} as const;

export const catalogue = defineCatalogue(TEXT.nl, TEXT.en);

export function t(lang: Lang): Texts<typeof TEXT.nl> {
  return texts(catalogue, lang);
}
