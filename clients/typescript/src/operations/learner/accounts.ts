// Signing up, in and out, and who is signed in.
import { graphql } from "../../gql/index.js";

export const RegisterMutation = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      token
      user {
        ...ViewerFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(input: { email: $email, password: $password }) {
      token
      user {
        ...ViewerFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      ...ViewerFields
      email
      profile {
        totalXp
        currentStreak
        bestStreak
        lessonsCompleted
        accuracy
      }
    }
  }
`);
