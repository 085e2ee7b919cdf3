// Live games as a player: find one by PIN, join, follow it, answer.
import { graphql } from "../../gql/index.js";

export const GameByPinQuery = graphql(`
  query GameByPin($pin: String!) {
    game(pin: $pin) {
      ...GameFields
    }
  }
`);

export const JoinGameMutation = graphql(`
  mutation JoinGame($input: JoinGameInput!) {
    joinGame(input: $input) {
      playerToken
      player {
        id
        nickname
      }
      game {
        ...GameFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AnswerGameQuestionMutation = graphql(`
  mutation AnswerGameQuestion($input: AnswerGameQuestionInput!) {
    answerGameQuestion(input: $input) {
      replayed
      answer {
        id
        questionIndex
        correct
        points
        elapsedMs
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const GameUpdatedSubscription = graphql(`
  subscription GameUpdated($gameId: ID!) {
    gameUpdated(gameId: $gameId) {
      ...GameFields
    }
  }
`);
