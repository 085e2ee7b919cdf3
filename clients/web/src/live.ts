// Subscriptions over graphql-ws with the session's token, and the connection's state for the indicator: "live",
// "connecting" (first connection or reconnecting after a drop) or "offline" (the browser has no network).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type Client, createClient } from "graphql-ws";
import { useEffect, useState } from "preact/hooks";
import { source } from "./api";
import { setToken, token } from "./session";

export type LinkState = "live" | "connecting" | "offline";

let state: LinkState = "connecting";
const watchers = new Set<(state: LinkState) => void>();
let client: Client | null = null;
let clientToken: string | null = null;

function announce(next: LinkState): void {
  state = navigator.onLine ? next : "offline";
  for (const watcher of watchers) watcher(state);
}

window.addEventListener("offline", () => announce("offline"));
window.addEventListener("online", () => announce("connecting"));

function connection(): Client {
  const current = token();
  if (client && clientToken === current) return client;
  client?.dispose();
  clientToken = current;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  client = createClient({
    url,
    lazy: true,
    connectionParams: current ? { Authorization: `Bearer ${current}` } : {},
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4403),
    on: {
      connecting: () => announce("connecting"),
      connected: () => announce("live"),
      closed: (event) => {
        if (event instanceof CloseEvent && event.code === 4403 && current) setToken(null); // a refused token
        announce("connecting");
      },
    },
  });
  return client;
}

/** Follows a subscription while the component is mounted; `onData` gets each event's data. */
export function useSubscription<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  onData: (data: Result) => void,
  enabled = true,
): void {
  const query = source(document);
  const shape = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    return connection().subscribe<Result>(
      { query, variables },
      {
        next: (value) => value.data && onData(value.data),
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }, [query, shape, enabled]);
}

export function useLinkState(): LinkState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    watchers.add(setCurrent);
    return () => watchers.delete(setCurrent);
  }, []);
  return current;
}
