// Hosting a live game.
import { graphql } from "../../gql/index.js";

export const CreateGameMutation = graphql(`
  mutation CreateGame($input: CreateGameInput!) {
    createGame(input: $input) {
      skippedProblemIds
      game {
        ...GameFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const StartGameMutation = graphql(`
  mutation StartGame($gameId: ID!) {
    startGame(input: { gameId: $gameId }) {
      game {
        ...GameFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const NextGameQuestionMutation = graphql(`
  mutation NextGameQuestion($gameId: ID!) {
    nextGameQuestion(input: { gameId: $gameId }) {
      game {
        ...GameFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RevealGameQuestionMutation = graphql(`
  mutation RevealGameQuestion($gameId: ID!) {
    revealGameQuestion(input: { gameId: $gameId }) {
      game {
        ...GameFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const EndGameMutation = graphql(`
  mutation EndGame($gameId: ID!) {
    endGame(input: { gameId: $gameId }) {
      game {
        ...GameFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const GameHostUpdatedSubscription = graphql(`
  subscription GameHostUpdated($gameId: ID!) {
    gameHostUpdated(gameId: $gameId) {
      ...GameFields
    }
  }
`);
