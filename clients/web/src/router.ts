// Client routes on the History API (the server answers index.html for every path it does not own).
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<(path: string) => void>();

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const listener of listeners) listener(location.pathname);
}

window.addEventListener("popstate", () => {
  for (const listener of listeners) listener(location.pathname);
});

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    listeners.add(setPath);
    return () => listeners.delete(setPath);
  }, []);
  return path;
}

/** A same-page link: a click changes the route without reloading (modified clicks keep the browser's way). */
export function follow(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.pathname);
}
