// A smoke run against a live `learnql serve` (LEARNQL_URL, default http://127.0.0.1:8000): a query, a mutation and a
// subscription over graphql-ws, all through the generated typed documents. Exits non-zero on the first failure.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

import { LessonQuery, LessonsQuery } from "../src/operations/learner/content.js";
import { LoginMutation } from "../src/operations/learner/accounts.js";
import { SubmitAnswerMutation, SubmissionGradedSubscription } from "../src/operations/learner/learning.js";
import { LeaderboardUpdatedSubscription } from "../src/operations/learner/leaderboards.js";

const base = (process.env.LEARNQL_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const email = process.env.LEARNQL_EMAIL ?? "learner@demo.learnql.dev";
const password = process.env.LEARNQL_PASSWORD ?? "learnql-demo";
const TIMEOUT_MS = 15_000;

async function execute<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  token?: string,
): Promise<Result> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Result | null; errors?: unknown[] };
  if (body.errors !== undefined || body.data == null) {
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

/** The first result of a subscription that `accept` takes, or an error after TIMEOUT_MS. */
function take<Result, Variables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  accept: (result: Result) => boolean,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`no matching event within ${TIMEOUT_MS} ms for ${print(document).slice(0, 60)}`));
    }, TIMEOUT_MS);
    const dispose = client.subscribe<Result>(
      { query: print(document), variables },
      {
        next: (value) => {
          if (value.errors !== undefined) {
            clearTimeout(timer);
            dispose();
            reject(new Error(JSON.stringify(value.errors)));
          } else if (value.data != null && accept(value.data)) {
            clearTimeout(timer);
            dispose();
            resolve(value.data);
          }
        },
        error: (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => undefined,
      },
    );
  });
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function main(): Promise<void> {
  // a query, anonymous
  const lessons = await execute(LessonsQuery, { first: 20 });
  check(lessons.lessons.totalCount > 0, "the server has no lessons (is the demo content loaded?)");
  console.log(`query: ${lessons.lessons.totalCount} lessons`);

  // a mutation: log in
  const login = await execute(LoginMutation, { email, password });
  check(login.login.errors.length === 0 && login.login.token != null, `login failed: ${JSON.stringify(login.login)}`);
  const token = login.login.token;
  console.log(`mutation: logged in as ${login.login.user?.displayName ?? "?"}`);

  // a subscription over graphql-ws, with the token in connection_init
  const client = createClient({
    url: `${base.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  try {
    const graded = take(client, SubmissionGradedSubscription, {}, () => true);
    // the leaderboard answers at once: once it has, both subscriptions are running on the server
    const board = await take(client, LeaderboardUpdatedSubscription, { scope: { kind: "ALL_TIME" }, first: 5 }, () => true);
    console.log(`subscription: leaderboard with ${board.leaderboardUpdated.entries.length} entries`);

    const lesson = lessons.lessons.edges[0]?.node;
    check(lesson !== undefined, "no lesson");
    const detail = await execute(LessonQuery, { id: lesson.id }, token);
    const problem = detail.lesson?.problems.find((candidate) => candidate.kind === "SINGLE_CHOICE");
    check(problem !== undefined && problem.options[0] !== undefined, "no single-choice problem in the first lesson");
    const submitted = await execute(
      SubmitAnswerMutation,
      {
        input: {
          problemId: problem.id,
          idempotencyKey: `smoke-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          answer: { problemId: problem.id, optionIds: [problem.options[0].id] },
        },
      },
      token,
    );
    const submission = submitted.submitAnswer.submission;
    check(submitted.submitAnswer.errors.length === 0 && submission != null, JSON.stringify(submitted.submitAnswer));
    console.log(`mutation: submission ${submission.status}`);

    const event = await graded;
    check(event.submissionGraded.id === submission.id, "submissionGraded carried another submission");
    console.log(`subscription: submissionGraded ${event.submissionGraded.status}, score ${event.submissionGraded.score}`);
  } finally {
    await client.dispose();
  }
  console.log("smoke: ok");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
