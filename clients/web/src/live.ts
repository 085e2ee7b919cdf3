// Subscriptions over graphql-ws with the session's token, and the connection's state for the indicator: "live",
// "connecting" (first connection or reconnecting after a drop), "offline" (the browser has no network) or "idle"
// (no subscription is open, so no connection either: graphql-ws connects lazily).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type Client, createClient } from "graphql-ws";
import { useEffect, useState } from "preact/hooks";
import { source } from "./api";
import { setToken, token } from "./session";

export type LinkState = "live" | "connecting" | "offline" | "idle";

let state: LinkState = "idle";
let open = 0; // subscriptions being followed
let connected = false; // the socket is open and acknowledged
const watchers = new Set<(state: LinkState) => void>();
let client: Client | null = null;
let clientToken: string | null = null;

function announce(next: LinkState): void {
  state = open === 0 ? "idle" : navigator.onLine ? next : "offline";
  for (const watcher of watchers) watcher(state);
}

window.addEventListener("offline", () => announce("offline"));
window.addEventListener("online", () => announce(connected ? "live" : "connecting"));

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
      connected: () => {
        connected = true;
        announce("live");
      },
      closed: (event) => {
        connected = false;
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
    open += 1;
    const stop = connection().subscribe<Result>(
      { query, variables },
      {
        next: (value) => value.data && onData(value.data),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    if (state === "idle") announce(connected ? "live" : "connecting");
    return () => {
      stop();
      open -= 1;
      if (open === 0) announce("idle");
    };
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
