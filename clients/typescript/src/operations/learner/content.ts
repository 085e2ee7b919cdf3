// Browsing courses, lessons and their problems.
import { graphql } from "../../gql/index.js";

export const CoursesQuery = graphql(`
  query Courses($first: Int, $after: String) {
    courses(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          slug
          title
          description
        }
      }
    }
  }
`);

export const LessonsQuery = graphql(`
  query Lessons($courseId: ID, $first: Int, $after: String) {
    lessons(courseId: $courseId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...LessonFields
        }
      }
    }
  }
`);

export const LessonQuery = graphql(`
  query Lesson($id: ID!) {
    lesson(id: $id) {
      ...LessonFields
      problems {
        ...ProblemFields
      }
    }
  }
`);
