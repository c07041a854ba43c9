/** The simulated inbox: demo replies from parents, a reading pane, and the add-in's "Record consent". */
import { Button, Text } from "@fluentui/react-components";
import type { InboxMessage } from "./demo.js";
import type { Lang, Strings } from "./i18n.js";

export interface InboxProps {
  messages: InboxMessage[] | undefined;
  selectedId: string | undefined;
  lang: Lang;
  t: Strings;
  onSelect(id: string): void;
  onRecordConsent(m: InboxMessage): void;
}

export function Inbox({ messages, selectedId, lang, t, onSelect, onRecordConsent }: InboxProps) {
  const fmt = (d: Date) => d.toLocaleString(lang === "en" ? "en-GB" : "nl-NL", { dateStyle: "medium", timeStyle: "short" });
  const selected = messages?.find((m) => m.id === selectedId);
  return (
    <section className="pg-inbox" aria-labelledby="pg-inbox-title">
      <h2 id="pg-inbox-title" className="pg-h2">
        {t.inbox}
      </h2>
      {!messages ? (
        <Text>{t.loading}</Text>
      ) : messages.length === 0 ? (
        <Text>{t.inboxEmpty}</Text>
      ) : (
        <div className="pg-inbox-split">
          <ul className="pg-message-list" aria-label={t.listLabel}>
            {messages.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  className="pg-message-item"
                  aria-current={m.id === selectedId ? "true" : undefined}
                  onClick={() => onSelect(m.id)}
                  data-testid={`inbox-${m.id}`}
                >
                  <span className="pg-message-from">{m.from.displayName}</span>
                  <span className="pg-message-subject">{m.subject}</span>
                  <span className="pg-message-date">{fmt(m.date)}</span>
                </button>
              </li>
            ))}
          </ul>
          <article className="pg-reading" aria-labelledby="pg-reading-subject">
            {selected ? (
              <>
                <h3 id="pg-reading-subject" className="pg-h3">
                  {selected.subject}
                </h3>
                <dl className="pg-headers">
                  <dt>{t.from}</dt>
                  <dd>
                    {selected.from.displayName} &lt;{selected.from.emailAddress}&gt;
                  </dd>
                  <dt>{t.date}</dt>
                  <dd>{fmt(selected.date)}</dd>
                </dl>
                <div className="pg-reading-actions">
                  <Button appearance="primary" onClick={() => onRecordConsent(selected)} data-testid="record-consent">
                    {t.recordConsent}
                  </Button>
                </div>
                <pre className="pg-reading-body">{selected.body}</pre>
              </>
            ) : (
              <Text id="pg-reading-subject">{t.selectMessage}</Text>
            )}
          </article>
        </div>
      )}
    </section>
  );
}
