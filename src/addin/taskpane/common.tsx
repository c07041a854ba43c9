import { createContext, useContext, type ReactNode } from "react";
import { MessageBar, MessageBarBody, MessageBarTitle, Spinner } from "@fluentui/react-components";
import { ApiError } from "../../shared/api.js";
import type { MailHost } from "./host.js";
import type { Strings } from "./i18n.js";
import type { ApiClient } from "../../shared/api.js";

export interface Ctx {
  host: MailHost;
  api: ApiClient;
  t: Strings;
}
export const AppContext = createContext<Ctx | undefined>(undefined);
export function useApp(): Ctx {
  const c = useContext(AppContext);
  if (!c) throw new Error("AppContext missing");
  return c;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function Busy({ label }: { label: string }) {
  return <Spinner size="small" label={label} />;
}

export function Problem({ title, children }: { title: string; children: ReactNode }) {
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {children}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <MessageBar intent="success" role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

/** The options of a purpose select: an empty first option with `empty` as its text, then every purpose. */
export function PurposeOptions({ purposes, empty }: { purposes: readonly { id: string; label: string }[]; empty: string }) {
  return (
    <>
      <option value="">{empty}</option>
      {purposes.map((p) => (
        <option key={p.id} value={p.id}>
          {p.label}
        </option>
      ))}
    </>
  );
}
