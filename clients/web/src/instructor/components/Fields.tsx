// Form fields with the payload's UserErrors next to them. Errors are keyed by their field path without the leading
// "input" (`["input", "options", "1", "text"]` -> `options.1.text`); those no field shows are listed by `Leftover`.
import type { ComponentChildren } from "preact";

export type UserErrorLike = { field?: string[] | null; message: string };
export type Errors = Record<string, string>;

export function errorsByPath(errors: UserErrorLike[]): Errors {
  const found: Errors = {};
  for (const error of errors) {
    const path = error.field ?? [];
    const key = (path[0] === "input" ? path.slice(1) : path).join(".");
    found[key] = found[key] ? `${found[key]} ${error.message}` : error.message;
  }
  return found;
}

function fieldId(form: string, path: string): string {
  return `${form}-${path.replace(/\./g, "-")}`;
}

export function ErrorAt({ errors, path, form }: { errors: Errors; path: string; form: string }) {
  const message = errors[path];
  return message ? (
    <span class="field-error" id={`${fieldId(form, path)}-error`} role="alert">
      {message}
    </span>
  ) : null;
}

/** Errors whose path is none of `shown` (nor under one of them). */
export function Leftover({ errors, shown }: { errors: Errors; shown: string[] }) {
  const rest = Object.entries(errors).filter(
    ([path]) => !shown.some((known) => path === known || path.startsWith(`${known}.`)),
  );
  if (!rest.length) return null;
  return (
    <ul class="field-error" role="alert">
      {rest.map(([path, message]) => (
        <li key={path}>{path ? `${path}: ${message}` : message}</li>
      ))}
    </ul>
  );
}

export function TextField({
  form,
  path,
  label,
  value,
  onInput,
  errors,
  maxLength,
  rows,
  numeric = false,
  hint,
}: {
  form: string;
  path: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  errors: Errors;
  maxLength: number;
  rows?: number;
  numeric?: boolean;
  hint?: ComponentChildren;
}) {
  const id = fieldId(form, path);
  const invalid = errors[path] !== undefined;
  const shared = {
    id,
    name: path,
    value,
    maxLength,
    "aria-invalid": invalid,
    "aria-describedby": invalid ? `${id}-error` : undefined,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && <span class="hint">{hint}</span>}
      {rows ? (
        <textarea {...shared} rows={rows} onInput={(event) => onInput((event.currentTarget as HTMLTextAreaElement).value)} />
      ) : (
        <input {...shared} inputMode={numeric ? "decimal" : undefined} onInput={(event) => onInput((event.currentTarget as HTMLInputElement).value)} />
      )}
      <ErrorAt errors={errors} path={path} form={form} />
    </div>
  );
}
