// AI problem generation and the job history: start, follow, list.
import { graphql } from "../../gql/index.js";

export const GenerateProblemsMutation = graphql(`
  mutation GenerateProblems($input: GenerateProblemsInput!) {
    generateProblems(input: $input) {
      deduplicated
      job {
        ...JobFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const JobProgressSubscription = graphql(`
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) {
      ...JobFields
    }
  }
`);

export const JobQuery = graphql(`
  query Job($id: ID!) {
    job(id: $id) {
      ...JobFields
    }
  }
`);

export const JobsQuery = graphql(`
  query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {
    jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...JobFields
        }
      }
    }
  }
`);
