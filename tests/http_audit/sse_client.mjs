// A learner's app without WebSockets: graphql-sse's client (distinct connections mode) against a live learnql.
// Usage: node sse_client.mjs http://127.0.0.1:PORT/graphql EMAIL PASSWORD
// Prints one JSON line: what the anonymous and the logged-in subscriptions received.
import { createClient } from 'graphql-sse';

const [url, email, password] = process.argv.slice(2);

async function post(query, variables, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** The first `count` results of a subscription, then unsubscribe (rejects after `ms`). */
function take(client, query, count, ms, onSubscribed = () => {}) {
  return new Promise((resolve, reject) => {
    const results = [];
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out with ${JSON.stringify(results)}`));
    }, ms);
    const unsubscribe = client.subscribe(
      { query },
      {
        next: (result) => {
          results.push(result);
          if (results.length >= count) {
            clearTimeout(timer);
            unsubscribe();
            resolve(results);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(results);
        },
      },
    );
    onSubscribed();
  });
}

const anonymous = createClient({ url, retryAttempts: 0 });
const refused = await take(anonymous, 'subscription { submissionGraded { id } }', 1, 10000);
const board = await take(
  anonymous,
  'subscription { leaderboardUpdated(scope: {kind: ALL_TIME}, first: 3) { entries { rank xp } } }',
  1,
  10000,
);
anonymous.dispose();

const { login } = await post(
  'mutation ($input: LoginInput!) { login(input: $input) { token errors { code } } }',
  { input: { email, password } },
);
const token = login.token;
const problems = (
  await post(
    '{ courses(first: 2) { edges { node { lessons(first: 5) { edges { node { problems { id kind options { id } } } } } } } } }',
  )
).courses.edges.flatMap((c) => c.node.lessons.edges.flatMap((l) => l.node.problems));
const problem = problems.find((p) => p.kind === 'SINGLE_CHOICE');

const client = createClient({ url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
let answers = 0;
// The stream listens once its first chunk is on the way: answer until the grading arrives.
const submit = async () => {
  answers += 1;
  await post(
    'mutation ($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } } }',
    {
      input: {
        problemId: problem.id,
        idempotencyKey: `sse-${Date.now()}-${answers}`,
        answer: { problemId: problem.id, optionIds: [problem.options[0].id] },
      },
    },
    token,
  );
};
let ticker;
const graded = await take(client, 'subscription { submissionGraded { id status } }', 1, 20000, () => {
  ticker = setInterval(() => submit().catch(() => {}), 300);
});
clearInterval(ticker);
client.dispose();

console.log(JSON.stringify({ refused, board, graded, answers }));
