// Leaderboards, read once or followed live.
import { graphql } from "../../gql/index.js";

export const LeaderboardQuery = graphql(`
  query Leaderboard($scope: LeaderboardScopeInput!, $first: Int) {
    leaderboard(scope: $scope, first: $first) {
      ...LeaderboardFields
    }
  }
`);

export const LeaderboardUpdatedSubscription = graphql(`
  subscription LeaderboardUpdated($scope: LeaderboardScopeInput!, $first: Int) {
    leaderboardUpdated(scope: $scope, first: $first) {
      ...LeaderboardFields
    }
  }
`);
