// Fragments shared by the learner's and the instructor's operations.
import { graphql } from "../gql/index.js";

export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError {
    field
    code
    message
    retryAfter
  }
`);

export const ViewerFields = graphql(`
  fragment ViewerFields on User {
    id
    displayName
    role
    timezone
    xp
    streak {
      current
      best
      lastActiveOn
    }
  }
`);

export const ProblemFields = graphql(`
  fragment ProblemFields on Problem {
    id
    kind
    status
    prompt
    difficulty
    tags
    viewerHasAnswered
    options {
      id
      text
    }
  }
`);

export const LessonFields = graphql(`
  fragment LessonFields on Lesson {
    id
    title
    body
    position
    published
    course {
      id
      title
    }
    viewerProgress {
      bestScore
      attempts
      completed
      lastSubmittedAt
    }
  }
`);

export const SubmissionFields = graphql(`
  fragment SubmissionFields on Submission {
    id
    status
    score
    maxScore
    xpAwarded
    createdAt
    gradedAt
    lesson {
      id
      title
    }
    answers {
      id
      status
      correct
      score
      feedback
      problem {
        id
        explanation
      }
    }
  }
`);

export const ReviewCardFields = graphql(`
  fragment ReviewCardFields on ReviewCard {
    id
    state
    due
    reps
    lapses
    retrievability
    problem {
      ...ProblemFields
    }
  }
`);

export const LeaderboardFields = graphql(`
  fragment LeaderboardFields on Leaderboard {
    updatedAt
    scope {
      kind
    }
    entries {
      rank
      xp
      user {
        id
        displayName
      }
    }
    viewerEntry {
      rank
      xp
    }
  }
`);

export const JobFields = graphql(`
  fragment JobFields on Job {
    id
    kind
    status
    progress
    error
    attempts
    totalTokens
    cost
    createdAt
    finishedAt
    requestedCount
    rejectedCount
    lesson {
      id
      title
    }
    problems {
      id
      status
      prompt
    }
  }
`);

export const GameFields = graphql(`
  fragment GameFields on Game {
    id
    pin
    state
    playerCount
    questionCount
    secondsPerQuestion
    serverTime
    viewerIsHost
    currentQuestion {
      index
      kind
      prompt
      deadline
      closed
      skipped
      options {
        id
        text
      }
      correctOptionIds
      correctAnswer
      answerCounts
    }
    standings(first: 10) {
      rank
      score
      correctCount
      player {
        id
        nickname
      }
    }
    viewerStanding {
      rank
      score
    }
    viewerAnswer {
      correct
      points
      elapsedMs
    }
  }
`);

export const TutorMessageFields = graphql(`
  fragment TutorMessageFields on TutorMessage {
    id
    role
    text
    status
    createdAt
    error
  }
`);
