/**
 * A button that fetches a document for parents (a PDF made by the server) and saves it. While the
 * server makes it the button says so (aria-busy, a polite status); a failure is announced next to it.
 */
import { Button, Text, type ButtonProps } from "@fluentui/react-components";
import { useState } from "react";
import { useI18n } from "../i18n.js";
import { downloadBlob } from "../views/export/download.js";

export function PdfButton(props: {
  label: string;
  /** The accessible name when the visible label is short (a table row's button names its row). */
  ariaLabel?: string;
  fileName: string;
  fetchPdf: () => Promise<Blob>;
  testId?: string;
  size?: ButtonProps["size"];
  appearance?: ButtonProps["appearance"];
}): JSX.Element {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      downloadBlob(await props.fetchPdf(), props.fileName);
    } catch (err) {
      setError(t("docFailed", { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <Button
        size={props.size}
        appearance={props.appearance}
        aria-label={props.ariaLabel}
        aria-busy={busy}
        disabled={busy}
        onClick={() => void run()}
        data-testid={props.testId}
      >
        {props.label}
      </Button>
      <span role="status" aria-live="polite">
        {busy ? <Text size={200}> {t("docBusy")}</Text> : null}
      </span>
      {error ? (
        <Text role="alert" block size={200}>
          {error}
        </Text>
      ) : null}
    </span>
  );
}
