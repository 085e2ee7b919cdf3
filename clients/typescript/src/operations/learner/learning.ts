// Answering: a whole lesson or one problem, what to practise next, the viewer's history and grading results.
import { graphql } from "../../gql/index.js";

export const SubmitAnswersMutation = graphql(`
  mutation SubmitAnswers($input: SubmitAnswersInput!) {
    submitAnswers(input: $input) {
      replayed
      submission {
        ...SubmissionFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SubmitAnswerMutation = graphql(`
  mutation SubmitAnswer($input: SubmitAnswerInput!) {
    submitAnswer(input: $input) {
      replayed
      submission {
        ...SubmissionFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const NextProblemQuery = graphql(`
  query NextProblem($courseId: ID, $lessonId: ID) {
    nextProblem(courseId: $courseId, lessonId: $lessonId) {
      reason
      nextDueAt
      problem {
        ...ProblemFields
      }
      card {
        id
        state
        due
      }
    }
  }
`);

export const MySubmissionsQuery = graphql(`
  query MySubmissions(
    $first: Int
    $after: String
    $last: Int
    $before: String
    $courseId: ID
    $lessonId: ID
    $status: SubmissionStatus
  ) {
    viewer {
      id
      submissions(
        first: $first
        after: $after
        last: $last
        before: $before
        courseId: $courseId
        lessonId: $lessonId
        status: $status
      ) {
        totalCount
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
        edges {
          cursor
          node {
            ...SubmissionFields
          }
        }
      }
    }
  }
`);

export const SubmissionGradedSubscription = graphql(`
  subscription SubmissionGraded {
    submissionGraded {
      ...SubmissionFields
    }
  }
`);

export const LearningEventsQuery = graphql(`
  query LearningEvents($first: Int, $after: String, $types: [LearningEventType!], $courseId: ID) {
    viewer {
      id
      learningEvents(first: $first, after: $after, types: $types, courseId: $courseId) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            type
            occurredAt
            payload
            courseId
            lessonId
            problemId
          }
        }
      }
    }
  }
`);
