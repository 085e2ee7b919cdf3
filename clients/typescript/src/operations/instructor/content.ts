// Authoring: courses, lessons, problems, bulk import.
import { graphql } from "../../gql/index.js";

export const CreateCourseMutation = graphql(`
  mutation CreateCourse($input: CourseCreateInput!) {
    createCourse(input: $input) {
      course {
        id
        slug
        title
        description
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateCourseMutation = graphql(`
  mutation UpdateCourse($input: CourseUpdateInput!) {
    updateCourse(input: $input) {
      course {
        id
        title
        description
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateLessonMutation = graphql(`
  mutation CreateLesson($input: LessonCreateInput!) {
    createLesson(input: $input) {
      lesson {
        ...LessonFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateLessonMutation = graphql(`
  mutation UpdateLesson($input: LessonUpdateInput!) {
    updateLesson(input: $input) {
      lesson {
        ...LessonFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const PublishLessonMutation = graphql(`
  mutation PublishLesson($input: PublishLessonInput!) {
    publishLesson(input: $input) {
      lesson {
        id
        published
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AuthoredProblemFields = graphql(`
  fragment AuthoredProblemFields on Problem {
    ...ProblemFields
    externalId
    explanation
    options {
      id
      text
      correct
    }
    solution {
      optionIds
      number
      tolerance
      acceptedAnswers
      referenceAnswer
      rubric
    }
  }
`);

export const CreateProblemMutation = graphql(`
  mutation CreateProblem($input: ProblemCreateInput!) {
    createProblem(input: $input) {
      problem {
        ...AuthoredProblemFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateProblemMutation = graphql(`
  mutation UpdateProblem($input: ProblemUpdateInput!) {
    updateProblem(input: $input) {
      problem {
        ...AuthoredProblemFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ImportProblemsMutation = graphql(`
  mutation ImportProblems($input: ImportProblemsInput!) {
    importProblems(input: $input) {
      created {
        id
        externalId
      }
      updated {
        id
        externalId
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AuthoredCourseQuery = graphql(`
  query AuthoredCourse($id: ID!, $lessonsFirst: Int) {
    course(id: $id) {
      id
      slug
      title
      description
      lessons(first: $lessonsFirst) {
        totalCount
        edges {
          node {
            ...LessonFields
          }
        }
      }
    }
  }
`);

export const AuthoredLessonQuery = graphql(`
  query AuthoredLesson($id: ID!) {
    lesson(id: $id) {
      ...LessonFields
      problems {
        ...AuthoredProblemFields
      }
    }
  }
`);
