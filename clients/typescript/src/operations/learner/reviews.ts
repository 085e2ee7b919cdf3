// Spaced repetition: the review queue, rating a card, the statistics.
import { graphql } from "../../gql/index.js";

export const ReviewQueueQuery = graphql(`
  query ReviewQueue($limit: Int, $courseId: ID) {
    reviewQueue(limit: $limit, courseId: $courseId) {
      ...ReviewCardFields
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
    }
  }
`);
