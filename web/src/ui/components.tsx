// Small building blocks shared by every page: labelled fields with their validation messages,
// loading/empty/error states, buttons, a switch, a tag editor and a dialog.
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { describeError } from '../api/errors.js';

/** A labelled control with its validation messages right below it. */
export function Field(props: {
  label: string;
  errors?: readonly string[] | string | undefined;
  hint?: string;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const id = useId();
  const errors =
    props.errors === undefined
      ? []
      : typeof props.errors === 'string'
        ? [props.errors]
        : props.errors;
  const errId = `${id}-err`;
  return (
    <div className={errors.length > 0 ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, errors.length > 0 ? errId : undefined, errors.length > 0)}
      {props.hint && errors.length === 0 && <small className="hint">{props.hint}</small>}
      {errors.length > 0 && (
        <div id={errId} className="field-error" role="alert">
          {errors.join(' ')}
        </div>
      )}
    </div>
  );
}

/** A text input field. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  errors?: readonly string[] | string | undefined;
  hint?: string;
  placeholder?: string;
  type?: string;
  autoFocus?: boolean;
  name?: string;
}) {
  return (
    <Field label={props.label} errors={props.errors} {...(props.hint ? { hint: props.hint } : {})}>
      {(id, describedBy, invalid) => (
        <input
          id={id}
          name={props.name}
          type={props.type ?? 'text'}
          value={props.value}
          placeholder={props.placeholder}
          autoFocus={props.autoFocus}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A spinner with words, for screen readers too. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

/** An empty list: what is missing and, optionally, how to add one. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** An error in plain words, with a retry button when one makes sense. */
export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <span>{describeError(error)}</span>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An on/off switch (a checkbox with role switch, so Space toggles it). */
export function Switch(props: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  disabled?: boolean;
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        aria-label={props.label}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span className="slider" aria-hidden="true" />
    </label>
  );
}

/** Chips with a remove button each, and an input that adds one on Enter or comma. */
export function ChipsInput(props: {
  label: string;
  values: readonly string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  errors?: readonly string[] | string | undefined;
}) {
  const [text, setText] = useState('');
  const add = () => {
    const parts = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !props.values.includes(s));
    if (parts.length > 0) props.onChange([...props.values, ...parts]);
    setText('');
  };
  return (
    <Field label={props.label} errors={props.errors}>
      {(id, describedBy, invalid) => (
        <div className="chips">
          {props.values.map((v) => (
            <span className="chip" key={v}>
              {v}
              <button
                type="button"
                aria-label={`Remove ${v}`}
                onClick={() => props.onChange(props.values.filter((x) => x !== v))}
              >
                ×
              </button>
            </span>
          ))}
          <input
            id={id}
            value={text}
            placeholder={props.placeholder ?? 'Type and press Enter'}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ',') {
                e.preventDefault();
                add();
              } else if (e.key === 'Backspace' && text === '' && props.values.length > 0) {
                props.onChange(props.values.slice(0, -1));
              }
            }}
            onBlur={add}
          />
        </div>
      )}
    </Field>
  );
}

/** A modal dialog (native <dialog>: Escape closes it, focus stays inside). */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className={props.wide ? 'wide' : undefined}
      aria-label={props.title}
      onClose={props.onClose}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <header>
        <h2>{props.title}</h2>
        <button type="button" className="ghost" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}

/** Runs an action with a busy flag and keeps its error for display. */
export function useAction(): {
  busy: boolean;
  error: unknown;
  run: <T>(action: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return {
    busy,
    error,
    clear: () => setError(undefined),
    run: async (action) => {
      setBusy(true);
      setError(undefined);
      try {
        return await action();
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** A date and time in the reader's locale. */
export function When({ date }: { date: Date | undefined }) {
  if (!date) return <span className="muted">never</span>;
  return <time dateTime={date.toISOString()}>{date.toLocaleString()}</time>;
}

/** Copies text to the clipboard and says so. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        void navigator.clipboard.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 1500);
          },
          () => setDone(false),
        );
      }}
    >
      {done ? 'Copied' : label}
    </button>
  );
}

/** A new random id (UUID) for rules, conditions and variations. */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
