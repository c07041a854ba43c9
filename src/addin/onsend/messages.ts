/** The handler's own texts (the verdict messages come from the backend in the user's language). */
export type Lang = "nl" | "en";
export type Failure = "unreachable" | "timeout" | "invalid" | "auth" | "item";

/** Placeholder in the timeout texts for the school's send budget in seconds. */
export const SECONDS = "{s}";

const TEXT = {
  nl: {
    takeAction: "Actie ondernemen",
    /** The early warning's InfoBar: its action, and the way out the message itself names (Mac shows no action). */
    check: "Controleren",
    earlyHint: " Kies Controleren in het lint.",
    failBlock: {
      unreachable: "Zorgvuldig kon niet controleren of u deze gegevens mag delen: de server is niet bereikbaar. Uw school heeft ingesteld dat er dan niet verzonden wordt. Probeer het zo opnieuw of kies 'Actie ondernemen'.",
      timeout: "Zorgvuldig kon niet op tijd controleren of u deze gegevens mag delen (de server reageerde niet binnen {s} seconden). Uw school heeft ingesteld dat er dan niet verzonden wordt. Probeer het opnieuw.",
      invalid: "Zorgvuldig kreeg een onbruikbaar antwoord bij de controle. Uw school heeft ingesteld dat er dan niet verzonden wordt. Probeer het opnieuw of meld het aan de beheerder.",
      auth: "Zorgvuldig kon u niet aanmelden bij de controle. Uw school heeft ingesteld dat er dan niet verzonden wordt. Meld u opnieuw aan of neem contact op met de beheerder.",
      item: "Zorgvuldig kon dit bericht niet lezen om het te controleren. Uw school heeft ingesteld dat er dan niet verzonden wordt.",
    },
    /** Outlook refused the handler's first answer: the only second answer, kept minimal. */
    completeFailed: "Zorgvuldig kon de controle niet afronden. Het bericht is niet verzonden. Probeer het opnieuw.",
    failPrompt: {
      unreachable: "Zorgvuldig kon niet controleren of u deze gegevens mag delen: de server is niet bereikbaar. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      timeout: "Zorgvuldig kon niet binnen {s} seconden controleren of u deze gegevens mag delen. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      invalid: "Zorgvuldig kreeg een onbruikbaar antwoord bij de controle. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      auth: "Zorgvuldig kon u niet aanmelden bij de controle. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
      item: "Zorgvuldig kon dit bericht niet lezen om het te controleren. Verstuur alleen als u zeker weet dat er een grondslag of toestemming is.",
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
    },
    /** Outlook refused the handler's first answer: the only second answer, kept minimal. */
    completeFailed: "Zorgvuldig could not finish the check. The message was not sent. Please try again.",
    failPrompt: {
      unreachable: "Zorgvuldig could not check whether you may share this information: the server cannot be reached. Send only if you are sure there is a legal basis or consent.",
      timeout: "Zorgvuldig could not check within {s} seconds whether you may share this information. Send only if you are sure there is a legal basis or consent.",
      invalid: "Zorgvuldig received an unusable answer from the check. Send only if you are sure there is a legal basis or consent.",
      auth: "Zorgvuldig could not sign you in for the check. Send only if you are sure there is a legal basis or consent.",
      item: "Zorgvuldig could not read this message to check it. Send only if you are sure there is a legal basis or consent.",
    },
  },
} as const;

export function t(lang: Lang): (typeof TEXT)[Lang] {
  return TEXT[lang];
}
