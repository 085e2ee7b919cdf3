// This week's leaderboard, read once and then followed live through leaderboardUpdated (graphql-ws).
import { useEffect, useState } from "preact/hooks";
import type { LeaderboardFieldsFragment } from "../../../typescript/src/gql/graphql.js";
import {
  LeaderboardQuery,
  LeaderboardUpdatedSubscription,
} from "../../../typescript/src/operations/learner/leaderboards.js";
import { request } from "../api";
import { Failure } from "../components/Problems";
import { useSubscription } from "../live";

const WEEKLY = { scope: { kind: "WEEKLY" as const }, first: 20 };

export function Leaderboard() {
  const [board, setBoard] = useState<LeaderboardFieldsFragment | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    request(LeaderboardQuery, WEEKLY).then((data) => setBoard(data.leaderboard), setFailure);
  }, []);
  useSubscription(LeaderboardUpdatedSubscription, WEEKLY, (data) => setBoard(data.leaderboardUpdated));
  return (
    <main>
      <h1>This week</h1>
      <Failure error={failure} />
      {board === null && !failure && <p>Loading…</p>}
      {board && (
        <>
          <table class="board" data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Learner</th>
                <th scope="col">XP</th>
              </tr>
            </thead>
            <tbody>
              {board.entries.map((entry) => (
                <tr key={entry.user.id}>
                  <td>{entry.rank}</td>
                  <td>{entry.user.displayName}</td>
                  <td>{entry.xp}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {board.entries.length === 0 && <p>No XP this week yet.</p>}
          <p class="hint">
            {board.viewerEntry ? `You: rank ${board.viewerEntry.rank}, ${board.viewerEntry.xp} XP · ` : ""}
            updated {new Date(board.updatedAt).toLocaleTimeString()}
          </p>
        </>
      )}
    </main>
  );
}
