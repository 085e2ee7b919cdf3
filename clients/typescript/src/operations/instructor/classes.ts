// Classes an instructor teaches: create, list with students.
import { graphql } from "../../gql/index.js";

export const CreateClassMutation = graphql(`
  mutation CreateClass($input: ClassCreateInput!) {
    createClass(input: $input) {
      class {
        id
        name
        joinCode
        courses {
          id
          title
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ClassesQuery = graphql(`
  query Classes($studentsFirst: Int, $studentsAfter: String) {
    classes {
      id
      name
      joinCode
      createdAt
      studentCount
      courses {
        id
        title
      }
      students(first: $studentsFirst, after: $studentsAfter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            displayName
            xp
          }
        }
      }
    }
  }
`);
