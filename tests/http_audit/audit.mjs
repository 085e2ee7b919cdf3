// The GraphQL-over-HTTP audit (graphql-http's auditServer) against a live learnql.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql  -> one JSON line: {ok, total, notOk: [{status, name, reason}]}
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.argv[2], fetchFn: fetch });
const notOk = results
  .filter((result) => result.status !== 'ok')
  .map((result) => ({ status: result.status, name: result.name, reason: result.reason }));
console.log(JSON.stringify({ ok: results.length - notOk.length, total: results.length, notOk }));
