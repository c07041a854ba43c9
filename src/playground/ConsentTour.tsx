/**
 * The consent tour (issue 17 item 8): a mail is stopped, consent is requested, the parent answers on the
 * parents' page (the personal link in the letter, opened from Verzonden items), and the mail sent again is
 * confirmed as a disclosure once Sent Items has it. Every step is done with the real add-in and pages.
 */
import { Button, Text } from "@fluentui/react-components";
import type { Strings } from "./i18n.js";

export function ConsentTour({ t, onFill }: { t: Strings; onFill(): void }) {
  return (
    <section className="pg-tour" aria-labelledby="pg-consent-tour-title" data-testid="consent-tour">
      <h2 id="pg-consent-tour-title" className="pg-h2">
        {t.consentTourTitle}
      </h2>
      <Text>{t.consentTourIntro}</Text>
      <ol className="pg-steps">
        {t.consentTourSteps.map((step, i) => (
          <li key={i}>
            <Text>{step}</Text>
            {i === 0 && (
              <div>
                <Button appearance="secondary" onClick={onFill} data-testid="consent-tour-start">
                  {t.consentTourStart}
                </Button>
              </div>
            )}
            {i === t.consentTourSteps.length - 1 && (
              <div>
                <Button appearance="secondary" onClick={onFill} data-testid="consent-tour-again">
                  {t.consentTourAgain}
                </Button>
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
