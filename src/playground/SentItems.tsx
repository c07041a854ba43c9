/**
 * "Postvak UIT" and "Verzonden items" of the simulated Outlook. A sent mail waits in the Outbox until
 * Send/Receive hands it to the local Graph simulation (npm start's /dev/outlook/sent-items): only then is
 * it in Sent Items, where the server's real confirmation path (change notification, delta sweep) finds it
 * and logs the disclosure. Each Sent Items message shows what the register says about it, read from the
 * register itself (GET /api/students/{id}/register), never assumed.
 */
import { Fragment, useEffect, useState, type ReactNode } from "react";
import { Badge, Button, Link, Text } from "@fluentui/react-components";
import type { ApiClient } from "../shared/api.js";
import type { CheckResponse } from "../../contract/sendcheck.js";
import type { SentItemView } from "../../contract/demo.js";
import type { SimComposeMail } from "./office-sim.js";
import { CHECK_PROPERTY_NAME } from "../addin/onsend/office.js";
import type { Lang, Strings } from "./i18n.js";

/** A message of the simulated Sent Items (the shape /dev/outlook/sent-items answers). */
export type SentItem = SentItemView;

/**
 * A mail Outlook has accepted but not sent yet, with the stamp the add-in set on it: a mail's internet
 * header, a meeting's custom property `zvCheck` (appointments have no internet headers).
 */
export interface OutboxItem {
  key: number;
  mail: SimComposeMail;
  stamp: string | undefined;
}

/** The add-in's custom property that carries a meeting's check. */
export const CHECK_PROPERTY = CHECK_PROPERTY_NAME;
export const SENT_ITEMS_PATH = "/dev/outlook/sent-items";
/** Where a meeting request goes: the organiser's calendar in the Graph simulation. */
export const MEETINGS_PATH = "/dev/outlook/meetings";

/** Base64 of an attachment the simulation holds (file content from getAttachmentContentAsync's format). */
function contentOf(a: SimComposeMail["attachments"][number]): string | undefined {
  return a.content && a.content.format === "base64" ? a.content.content : undefined;
}

/** Send/Receive: every Outbox mail goes to the sender's simulated Sent Items, a meeting to the organiser's calendar. */
export async function deliverOutbox(api: ApiClient, mailbox: string, outbox: OutboxItem[]): Promise<void> {
  for (const o of outbox) {
    const m = o.mail;
    if (m.itemType === "appointment") {
      await api.post(MEETINGS_PATH, {
        mailbox,
        to: m.to,
        cc: m.cc,
        rooms: m.resources ?? [],
        subject: m.subject,
        body: m.body,
        customProperties: o.stamp ? { [CHECK_PROPERTY]: o.stamp } : {},
      });
      continue;
    }
    await api.post(SENT_ITEMS_PATH, {
      mailbox,
      to: m.to,
      cc: m.cc,
      bcc: m.bcc,
      subject: m.subject,
      body: m.body,
      headers: o.stamp ? { "x-zorgvuldig-check": o.stamp } : {},
      attachments: m.attachments.flatMap((a) => {
        const c = contentOf(a);
        return c ? [{ name: a.name, contentBase64: c }] : [{ name: a.name, contentBase64: "" }];
      }),
    });
  }
}

type Confirmation = { state: "waiting" } | { state: "none" } | { state: "confirmed"; students: { id: string; name: string }[] };

interface RegisterView {
  events: { type: string; internetMessageId?: string }[];
}

const POLL_MS = 1000;
const POLL_MAX = 120;

/** Whether the register has this sent mail as a disclosure yet (polled until it has, or there is nothing to log). */
function useConfirmation(api: ApiClient, item: SentItem): Confirmation {
  const [c, setC] = useState<Confirmation>({ state: "waiting" });
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const run = async (): Promise<void> => {
      // Which students is it about? A query check writes nothing (the same detector the server confirms with).
      const q = await api.post<CheckResponse>("/api/check", { to: item.to, cc: item.cc, bcc: item.bcc, subject: item.subject, body: item.body });
      // Only a party or an unknown address makes a disclosure; colleagues and the parents of the child do not.
      const outside = q.recipients.some((r) => r.kind === "party" || r.kind === "unknown");
      if (!live) return;
      if (q.students.length === 0 || !outside) {
        setC({ state: "none" });
        return;
      }
      let tries = 0;
      const poll = async (): Promise<void> => {
        tries++;
        const found: { id: string; name: string }[] = [];
        for (const s of q.students) {
          const r = await api.get<RegisterView>(`/api/students/${encodeURIComponent(s.id)}/register`);
          if (r.events.some((e) => e.type === "disclosure" && e.internetMessageId === item.internetMessageId)) found.push(s);
        }
        if (!live) return;
        if (found.length > 0) setC({ state: "confirmed", students: found });
        else if (tries < POLL_MAX) timer = window.setTimeout(() => void poll().catch(() => undefined), POLL_MS);
      };
      await poll();
    };
    run().catch(() => undefined);
    return () => {
      live = false;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [api, item.internetMessageId]);
  return c;
}

const URL_RE = /(https?:\/\/[^\s<>"']+)/g;

/** The body as text, its links clickable (the parents' page opens in a new tab). */
function Body({ text, t }: { text: string; t: Strings }) {
  const parts = text.split(URL_RE);
  return (
    <pre className="pg-reading-body">
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <Fragment key={i}>
            <Link href={p} target="_blank" rel="noopener noreferrer" data-testid="sent-link">
              {p.includes("/api/parents/") ? t.openParentPage : p}
            </Link>
          </Fragment>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </pre>
  );
}

function SentCard({ item, api, lang, t }: { item: SentItem; api: ApiClient; lang: Lang; t: Strings }) {
  const c = useConfirmation(api, item);
  const headingId = `pg-sent-${item.id}`;
  const tabHref = (id: string) => `/tab/?view=student&student=${encodeURIComponent(id)}${lang === "en" ? "&lang=en" : ""}`;
  return (
    <article className="pg-sent-item" aria-labelledby={headingId} data-testid="sent-item" data-confirmed={c.state}>
      <h3 id={headingId} className="pg-h3">
        {item.subject || "—"}
      </h3>
      <Text size={200}>
        {t.to}: {[...item.to, ...item.cc, ...item.bcc].join(", ")} · {new Date(item.sentAt).toLocaleTimeString(lang === "en" ? "en-GB" : "nl-NL")}
      </Text>{" "}
      {item.meeting && (
        <Badge appearance="outline" color="informative" data-testid="sent-meeting">
          {t.meetingInCalendar}
        </Badge>
      )}{" "}
      <Badge appearance="outline" color={item.checkId ? "success" : "danger"}>
        {item.checkId ? (item.meeting ? t.stampedMeeting : t.stamped) : t.unstamped}
      </Badge>
      {item.attachments.length > 0 && <Text size={200}>{t.attachmentsOf(item.attachments.join(", "))}</Text>}
      <p className="pg-register-status" data-testid="register-status" role="status">
        {c.state === "waiting"
          ? t.registerWaiting
          : c.state === "none"
            ? t.registerNone
            : t.registerConfirmed(c.students.map((s) => s.name).join(", "))}
      </p>
      {c.state === "confirmed" && (
        <ul className="pg-register-links">
          {c.students.map((s) => (
            <li key={s.id}>
              <Link href={tabHref(s.id)} target="_blank" rel="noopener noreferrer">
                {t.registerLink(s.name)}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t.body}</summary>
        <Body text={item.body} t={t} />
      </details>
    </article>
  );
}

export function SentItemsView({ items, error, api, lang, t }: { items: SentItem[] | undefined; error: string | undefined; api: ApiClient; lang: Lang; t: Strings }) {
  return (
    <Folder id="pg-sent-title" title={t.sent} intro={t.sentItemsIntro}>
      {error ? (
        <p>{error}</p>
      ) : !items ? (
        <p>{t.loading}</p>
      ) : items.length === 0 ? (
        <p>{t.sentEmpty}</p>
      ) : (
        <div className="pg-sent-list" data-testid="sent-list">
          {items.map((s) => (
            <SentCard key={s.id} item={s} api={api} lang={lang} t={t} />
          ))}
        </div>
      )}
    </Folder>
  );
}

export function OutboxView({ outbox, busy, onSendReceive, t }: { outbox: OutboxItem[]; busy: boolean; onSendReceive(): void; t: Strings }) {
  return (
    <Folder id="pg-outbox-title" title={t.outbox} intro={t.outboxIntro}>
      {outbox.length === 0 ? (
        <p>{t.outboxEmpty}</p>
      ) : (
        <ul className="pg-sent-list" data-testid="outbox-list">
          {outbox.map((o) => (
            <li key={o.key}>
              <strong>{o.mail.subject || "—"}</strong> → {[...o.mail.to, ...o.mail.cc, ...o.mail.bcc].join(", ")}
            </li>
          ))}
        </ul>
      )}
      <Button appearance="primary" onClick={onSendReceive} disabled={busy || outbox.length === 0}>
        {t.sendReceive}
      </Button>
    </Folder>
  );
}

/** A folder of the simulated Outlook: its h2 (`id` names the section) and what it holds. */
function Folder(props: { id: string; title: string; intro: string; children: ReactNode }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id} className="pg-h2">
        {props.title}
      </h2>
      <Text>{props.intro}</Text>
      {props.children}
    </section>
  );
}
