/** The simulated compose form: To/Cc/Bcc with the demo school's address book, subject, body, attachments. */
import { useId, useMemo, useState, type RefObject } from "react";
import {
  Button,
  Checkbox,
  Combobox,
  Field,
  Input,
  Label,
  MessageBar,
  MessageBarBody,
  Option,
  Tag,
  TagGroup,
  Textarea,
} from "@fluentui/react-components";
import type { SimComposeMail } from "./office-sim.js";
import type { AddressEntry } from "./demo.js";
import type { Strings } from "./i18n.js";

const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/;
const MAX_SUGGESTIONS = 8;

interface RecipientFieldProps {
  label: string;
  field: "to" | "cc" | "bcc";
  value: string[];
  book: AddressEntry[];
  t: Strings;
  onChange(next: string[]): void;
}

function RecipientField({ label, field, value, book, t, onChange }: RecipientFieldProps) {
  const id = useId();
  const [text, setText] = useState("");
  // A fresh combobox once focus leaves: Fluent keeps aria-activedescendant on an option that is gone.
  const [generation, setGeneration] = useState(0);
  const suggestions = useMemo(() => {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const taken = new Set(value.map((v) => v.toLowerCase()));
    return book
      .filter((e) => !taken.has(e.address.toLowerCase()) && (e.address.toLowerCase().includes(q) || e.label.toLowerCase().includes(q)))
      .slice(0, MAX_SUGGESTIONS);
  }, [text, book, value]);

  const add = (raw: string): boolean => {
    const parts = raw
      .split(/[;,\s]+/)
      .map((p) => p.trim())
      .filter(Boolean);
    const good = parts.filter((p) => EMAIL.test(p));
    if (good.length === 0) return false;
    const seen = new Set(value.map((v) => v.toLowerCase()));
    onChange([...value, ...good.filter((g) => !seen.has(g.toLowerCase()))]);
    setText("");
    return true;
  };

  return (
    <div className="pg-recipient-field" role="group" aria-labelledby={`${id}-label`} data-field={field}>
      <Label id={`${id}-label`} htmlFor={`${id}-input`} className="pg-recipient-label">
        {label}
      </Label>
      <div className="pg-recipient-box">
        {value.length > 0 && (
          <TagGroup
            aria-label={t.recipientsIn(label)}
            onDismiss={(_e, d) => onChange(value.filter((v) => v !== d.value))}
            size="small"
          >
            {value.map((a) => (
              <Tag key={a} value={a} dismissible dismissIcon={{ "aria-label": t.remove(a) }} shape="circular">
                {a}
              </Tag>
            ))}
          </TagGroup>
        )}
        <Combobox
          key={generation}
          id={`${id}-input`}
          className="pg-recipient-input"
          freeform
          appearance="underline"
          placeholder={t.addRecipient}
          value={text}
          selectedOptions={[]}
          aria-label={label}
          onChange={(e) => setText(e.currentTarget.value)}
          onOptionSelect={(_e, d) => {
            if (d.optionValue) add(d.optionValue);
          }}
          onKeyDown={(e) => {
            if ((e.key === "Enter" || e.key === ";" || e.key === ",") && text.trim() && suggestions.length === 0) {
              if (add(text)) e.preventDefault();
            }
          }}
          onBlur={() => {
            if (text.trim()) add(text);
            setGeneration((g) => g + 1);
          }}
        >
          {suggestions.map((s) => (
            <Option key={s.address} value={s.address} text={s.address}>
              {`${s.address} — ${s.label}`}
            </Option>
          ))}
        </Combobox>
      </div>
    </div>
  );
}

export interface ComposeProps {
  mail: SimComposeMail;
  book: AddressEntry[];
  t: Strings;
  busy: boolean;
  sendRef: RefObject<HTMLButtonElement>;
  /** The add-in's InfoBar messages on this item (item.notificationMessages). */
  notices: { key: string; message: string }[];
  onChange(patch: Partial<SimComposeMail>): void;
  onSend(): void;
  onDiscard(): void;
}

/** A chosen file as Outlook holds an attachment: its bytes, read with getAttachmentContentAsync as base64. */
async function attachmentOf(file: File): Promise<SimComposeMail["attachments"][number]> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { name: file.name, size: file.size, contentType: file.type || "application/octet-stream", content: { format: "base64", content: btoa(bin) } };
}

export function Compose({ mail, book, t, busy, sendRef, notices, onChange, onSend, onDiscard }: ComposeProps) {
  const meeting = mail.itemType === "appointment";
  const fileId = useId();
  const [attText, setAttText] = useState(mail.attachments.map((a) => a.name).join(", "));
  const attKey = mail.attachments.map((a) => a.name).join(", ");
  const [lastAtt, setLastAtt] = useState(attKey);
  if (lastAtt !== attKey) {
    // The compose item changed outside this field (a guided example, a new message form).
    setLastAtt(attKey);
    setAttText(attKey);
  }
  return (
    <form
      className="pg-compose"
      aria-labelledby="pg-compose-title"
      onSubmit={(e) => {
        e.preventDefault();
        onSend();
      }}
    >
      <h2 id="pg-compose-title" className="pg-h2">
        {t.compose}
      </h2>
      <div className="pg-compose-toolbar">
        <Button type="submit" appearance="primary" ref={sendRef} disabled={busy} data-testid="send">
          {t.send}
        </Button>
        <Button type="button" onClick={onDiscard} disabled={busy}>
          {t.discard}
        </Button>
      </div>
      {notices.length > 0 && (
        <div className="pg-infobar" role="region" aria-label={t.infoBar} data-testid="infobar">
          {notices.map((n) => (
            <MessageBar key={n.key} intent="info">
              <MessageBarBody>{n.message}</MessageBarBody>
            </MessageBar>
          ))}
        </div>
      )}
      <Checkbox
        label={t.meeting}
        checked={meeting}
        onChange={(_e, d) => onChange({ itemType: d.checked === true ? "appointment" : "message", ...(d.checked === true ? { bcc: [] } : {}) })}
        data-testid="meeting"
      />
      <RecipientField label={meeting ? t.requiredAttendees : t.to} field="to" value={mail.to} book={book} t={t} onChange={(to) => onChange({ to })} />
      <RecipientField label={meeting ? t.optionalAttendees : t.cc} field="cc" value={mail.cc} book={book} t={t} onChange={(cc) => onChange({ cc })} />
      {!meeting && <RecipientField label={t.bcc} field="bcc" value={mail.bcc} book={book} t={t} onChange={(bcc) => onChange({ bcc })} />}
      <Field label={t.subject}>
        <Input value={mail.subject} onChange={(_e, d) => onChange({ subject: d.value })} data-testid="subject" />
      </Field>
      <Field label={t.body}>
        <Textarea value={mail.body} rows={9} resize="vertical" onChange={(_e, d) => onChange({ body: d.value })} data-testid="body" />
      </Field>
      <Field label={t.attachments}>
        <Input
          value={attText}
          onChange={(_e, d) => setAttText(d.value)}
          onBlur={() => {
            const names = attText
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean);
            const next = names.map((name) => mail.attachments.find((a) => a.name === name) ?? { name, size: 20480 });
            setLastAtt(next.map((a) => a.name).join(", "));
            onChange({ attachments: next });
          }}
          data-testid="attachments"
        />
      </Field>
      <div className="pg-attach">
        <Label htmlFor={fileId}>{t.attachFile}</Label>
        <input
          id={fileId}
          type="file"
          multiple
          data-testid="attach-file"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = "";
            void Promise.all(files.map(attachmentOf)).then((added) => onChange({ attachments: [...mail.attachments, ...added] }));
          }}
        />
      </div>
    </form>
  );
}
