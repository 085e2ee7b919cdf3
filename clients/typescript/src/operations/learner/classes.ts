// A learner's classes.
import { graphql } from "../../gql/index.js";

export const JoinClassMutation = graphql(`
  mutation JoinClass($joinCode: String!) {
    joinClass(input: { joinCode: $joinCode }) {
      class {
        id
        name
        instructor {
          id
          displayName
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const MyClassesQuery = graphql(`
  query MyClasses {
    classes {
      id
      name
      courses {
        id
        title
      }
    }
  }
`);
