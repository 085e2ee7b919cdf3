// The signed-in learner's token, kept in localStorage; listeners hear when it changes (sign in, sign out, refused).
const KEY = "learnql:token";
const listeners = new Set<() => void>();

export function token(): string | null {
  return localStorage.getItem(KEY);
}

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(KEY, value);
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
