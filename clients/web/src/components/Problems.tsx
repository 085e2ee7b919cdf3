// Shows a request's failure: a rate limit with its wait (counting down), or the message.
import { useEffect, useState } from "preact/hooks";
import { RateLimited } from "../api";

export function Failure({ error }: { error: unknown }) {
  const [left, setLeft] = useState(error instanceof RateLimited ? error.retryAfter : 0);
  useEffect(() => {
    if (!(error instanceof RateLimited)) return;
    setLeft(error.retryAfter);
    const timer = setInterval(() => setLeft((value) => Math.max(0, value - 1)), 1000);
    return () => clearInterval(timer);
  }, [error]);
  if (!error) return null;
  const text =
    error instanceof RateLimited
      ? left > 0
        ? `Too many requests: try again in ${left} s.`
        : "You can try again now."
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p class="failure" role="alert" data-testid="failure">
      {text}
    </p>
  );
}

export type FieldErrors = Record<string, string>;

/** A payload's UserErrors by the last named part of their field path (`["input", "email"]` -> `email`). */
export function byField(errors: { field?: string[] | null; message: string }[]): FieldErrors {
  const found: FieldErrors = {};
  for (const error of errors) {
    const path = error.field ?? [];
    found[path.length ? path.join(".") : ""] = error.message;
  }
  return found;
}

export function FieldError({ errors, name }: { errors: FieldErrors; name: string }) {
  const message = Object.entries(errors).find(([path]) => path === name || path.endsWith(`.${name}`))?.[1];
  return message ? (
    <span class="field-error" id={`${name}-error`} role="alert">
      {message}
    </span>
  ) : null;
}
