import { Button, MessageBar, MessageBarBody, MessageBarTitle, MessageBarActions, Select, Spinner, Text } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { ApiError } from "../api.js";
import { useI18n, type MessageKey } from "../i18n.js";
import type { Loaded } from "../context.js";

/** What the user should do next, by the kind of failure. */
export function errorAdvice(err: unknown): MessageKey {
  if (err instanceof ApiError) {
    if (err.status === 401) return "errAuth";
    if (err.status === 403) return "errForbidden";
    if (err.status === 404) return "errNotFound";
    if (err.status === 400 || err.status === 422 || err.status === 409) return "errValidation";
    return "errServer";
  }
  return "errNetwork";
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }): JSX.Element {
  const { t } = useI18n();
  const serverMessage = error instanceof ApiError ? error.message : undefined;
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{t("errTitle")}</MessageBarTitle>
        {serverMessage ? <span>{serverMessage}. </span> : null}
        {t(errorAdvice(error))}
      </MessageBarBody>
      {onRetry ? (
        <MessageBarActions>
          <Button onClick={onRetry}>{t("retry")}</Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}

export function Loading(): JSX.Element {
  const { t } = useI18n();
  return <Spinner label={t("loading")} role="status" />;
}

export function Empty({ children }: { children: ReactNode }): JSX.Element {
  return (
    <div className="zv-empty" role="status">
      <Text>{children}</Text>
    </div>
  );
}

export function Success({ children }: { children: ReactNode }): JSX.Element {
  return (
    <MessageBar intent="success" role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

/** A school picker (inside a Field): the schools by name, led by an "all schools" choice (value "") when allLabel is given. */
export function SchoolSelect(props: { schools: readonly { id: string; name: string }[]; value: string; onChange(id: string): void; allLabel?: string }): JSX.Element {
  return <IdSelect items={props.schools} label={(sc) => sc.name} value={props.value} onChange={props.onChange} allLabel={props.allLabel} />;
}

/** A picker of items by id (inside a Field), each shown by `label`, led by a choice of value "" when allLabel is given. */
export function IdSelect<T extends { id: string }>(props: { items: readonly T[]; label(item: T): string; value: string; onChange(id: string): void; allLabel?: string | undefined }): JSX.Element {
  return (
    <Select value={props.value} onChange={(_, d) => props.onChange(d.value)}>
      {props.allLabel !== undefined ? <option value="">{props.allLabel}</option> : null}
      {props.items.map((it) => (
        <option key={it.id} value={it.id}>
          {props.label(it)}
        </option>
      ))}
    </Select>
  );
}

/**
 * A list's loading, error, empty and loaded states in one place: the spinner until the first answer,
 * the error with a retry, the empty text, else `children` with the data (kept while it reloads).
 */
export function LoadedList<T>(props: { state: Loaded<T>; isEmpty(data: T): boolean; empty: ReactNode; children(data: T): ReactNode }): JSX.Element {
  const { state } = props;
  return (
    <>
      {state.loading && state.data === undefined ? <Loading /> : null}
      {state.error ? <ErrorBox error={state.error} onRetry={state.reload} /> : null}
      {state.data !== undefined ? props.isEmpty(state.data) ? <Empty>{props.empty}</Empty> : props.children(state.data) : null}
    </>
  );
}
