/** The state every edit form of the tab keeps while it saves: busy, the server's error and its field errors. */
import { useState } from "react";
import { fieldErrors } from "../api.js";

export interface SaveState {
  /** Per-field messages, local checks or the server's (fieldErrors). */
  errors: Record<string, string>;
  setErrors: (errors: Record<string, string>) => void;
  /** The last failure, for the ErrorBox. */
  error: unknown;
  setError: (error: unknown) => void;
  busy: boolean;
  /** Shows the local checks' messages and clears the last failure; true when there are none. */
  check: (local: Record<string, string>) => boolean;
  /** Clears the messages (a form opened on another item). */
  reset: () => void;
  /** Runs a save: busy meanwhile; a failure shows its field errors and the error box. */
  run: (save: () => Promise<void>) => Promise<void>;
}

export function useSave(): SaveState {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (save: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await save();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const check = (local: Record<string, string>): boolean => {
    setErrors(local);
    setError(undefined);
    return Object.keys(local).length === 0;
  };
  const reset = (): void => {
    setErrors({});
    setError(undefined);
  };
  return { errors, setErrors, error, setError, busy, run, check, reset };
}
