// The AI tutor: ask, follow the reply as it is written, stop it.
import { graphql } from "../../gql/index.js";

export const AskTutorMutation = graphql(`
  mutation AskTutor($input: AskTutorInput!) {
    askTutor(input: $input) {
      replayed
      thread {
        id
      }
      message {
        ...TutorMessageFields
      }
      reply {
        ...TutorMessageFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const TutorReplySubscription = graphql(`
  subscription TutorReply($threadId: ID!) {
    tutorReply(threadId: $threadId) {
      messageId
      delta
      text
      status
      done
    }
  }
`);

export const CancelTutorReplyMutation = graphql(`
  mutation CancelTutorReply($threadId: ID!) {
    cancelTutorReply(input: { threadId: $threadId }) {
      message {
        ...TutorMessageFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
