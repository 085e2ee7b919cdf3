// A small fetch client for /graphql over the typed documents of clients/typescript: the bearer token, and the
// errors a person can act on (an expired or refused token signs out; RATE_LIMITED carries the wait).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { setToken, token } from "./session";

export class RateLimited extends Error {
  constructor(readonly retryAfter: number) {
    super(`Too many requests: try again in ${retryAfter} s.`);
  }
}

export class RequestFailed extends Error {}

const printed = new WeakMap<object, string>();

/** A document's text, printed once. */
export function source(document: object): string {
  const known = printed.get(document);
  if (known !== undefined) return known;
  const text = print(document as Parameters<typeof print>[0]);
  printed.set(document, text);
  return text;
}

type GraphQLError = { message: string; extensions?: { code?: string; retryAfter?: number } };

export async function request<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables?: Variables,
): Promise<Result> {
  const body = JSON.stringify({ query: source(document), variables: variables ?? {} });
  return send<Result>(body, { "Content-Type": "application/json" });
}

/** A GraphQL multipart request (docs/api/uploads.md): `files` maps a variable's path (`input.document`) to its file. */
export async function upload<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  files: Record<string, File>,
): Promise<Result> {
  const form = new FormData();
  const paths = Object.keys(files);
  form.append("operations", JSON.stringify({ query: source(document), variables }));
  form.append("map", JSON.stringify(Object.fromEntries(paths.map((path, index) => [index, [`variables.${path}`]]))));
  paths.forEach((path, index) => form.append(String(index), files[path]));
  return send<Result>(form, {}); // the browser sets the multipart Content-Type with its boundary
}

async function send<Result>(body: BodyInit, headers: Record<string, string>): Promise<Result> {
  headers.Accept = "application/graphql-response+json, application/json";
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body });
  } catch {
    throw new RequestFailed("The server cannot be reached: check your connection and try again.");
  }
  const answer = (await response.json().catch(() => ({}))) as { data?: Result; errors?: GraphQLError[] };
  const errors = answer.errors ?? [];
  const limited = errors.find((error) => error.extensions?.code === "RATE_LIMITED");
  if (limited || response.status === 429) {
    const wait = limited?.extensions?.retryAfter ?? Number(response.headers.get("Retry-After") ?? 1);
    throw new RateLimited(Math.max(1, Math.ceil(wait)));
  }
  if (errors.some((error) => error.extensions?.code === "UNAUTHENTICATED")) {
    if (bearer) setToken(null); // expired or refused: back to the sign-in page
    throw new RequestFailed("Please sign in again.");
  }
  if (!answer.data) throw new RequestFailed(errors[0]?.message ?? `The server answered ${response.status}.`);
  return answer.data;
}

export function key(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
