// Spaced repetition: the review queue (with each card's solution and explanation, shown once the learner has
// recalled it: a card's problem was answered, so both are visible), rating a card, the statistics.
import { graphql } from "../../gql/index.js";

export const ReviewQueueQuery = graphql(`
  query ReviewQueue($limit: Int, $courseId: ID) {
    reviewQueue(limit: $limit, courseId: $courseId) {
      ...ReviewCardFields
      problem {
        explanation
        solution {
          optionIds
          number
          tolerance
          acceptedAnswers
          referenceAnswer
        }
      }
    }
  }
`);

export const ReviewCardMutation = graphql(`
  mutation ReviewCard($input: ReviewCardInput!) {
    reviewCard(input: $input) {
      replayed
      card {
        ...ReviewCardFields
      }
      review {
        id
        rating
        reviewedAt
        stateBefore
        stateAfter
        due
        xpAwarded
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ReviewStatsQuery = graphql(`
  query ReviewStats {
    reviewStats {
      reviewsToday
      newCardsToday
      newCardsLeftToday
      reviewsLeftToday
      trueRetention
      dueByDay {
        date
        count
      }
    }
  }
`);
