/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment UserErrorFields on UserError {\n    field\n    code\n    message\n    retryAfter\n  }\n": typeof types.UserErrorFieldsFragmentDoc,
    "\n  fragment ViewerFields on User {\n    id\n    displayName\n    role\n    timezone\n    xp\n    streak {\n      current\n      best\n      lastActiveOn\n    }\n  }\n": typeof types.ViewerFieldsFragmentDoc,
    "\n  fragment ProblemFields on Problem {\n    id\n    kind\n    status\n    prompt\n    difficulty\n    tags\n    viewerHasAnswered\n    options {\n      id\n      text\n    }\n  }\n": typeof types.ProblemFieldsFragmentDoc,
    "\n  fragment LessonFields on Lesson {\n    id\n    title\n    body\n    position\n    published\n    course {\n      id\n      title\n    }\n    viewerProgress {\n      bestScore\n      attempts\n      completed\n      lastSubmittedAt\n    }\n  }\n": typeof types.LessonFieldsFragmentDoc,
    "\n  fragment SubmissionFields on Submission {\n    id\n    status\n    score\n    maxScore\n    xpAwarded\n    createdAt\n    gradedAt\n    lesson {\n      id\n      title\n    }\n    answers {\n      id\n      status\n      correct\n      score\n      feedback\n      problem {\n        id\n        explanation\n      }\n    }\n  }\n": typeof types.SubmissionFieldsFragmentDoc,
    "\n  fragment ReviewCardFields on ReviewCard {\n    id\n    state\n    due\n    reps\n    lapses\n    retrievability\n    problem {\n      ...ProblemFields\n    }\n  }\n": typeof types.ReviewCardFieldsFragmentDoc,
    "\n  fragment LeaderboardFields on Leaderboard {\n    updatedAt\n    scope {\n      kind\n    }\n    entries {\n      rank\n      xp\n      user {\n        id\n        displayName\n      }\n    }\n    viewerEntry {\n      rank\n      xp\n    }\n  }\n": typeof types.LeaderboardFieldsFragmentDoc,
    "\n  fragment JobFields on Job {\n    id\n    kind\n    status\n    progress\n    error\n    attempts\n    totalTokens\n    cost\n    createdAt\n    finishedAt\n    requestedCount\n    rejectedCount\n    lesson {\n      id\n      title\n    }\n    problems {\n      id\n      status\n      prompt\n    }\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  fragment GameFields on Game {\n    id\n    pin\n    state\n    playerCount\n    questionCount\n    secondsPerQuestion\n    serverTime\n    viewerIsHost\n    currentQuestion {\n      index\n      kind\n      prompt\n      deadline\n      closed\n      skipped\n      options {\n        id\n        text\n      }\n      correctOptionIds\n      correctAnswer\n      answerCounts\n    }\n    standings(first: 10) {\n      rank\n      score\n      correctCount\n      player {\n        id\n        nickname\n      }\n    }\n    viewerStanding {\n      rank\n      score\n    }\n    viewerAnswer {\n      correct\n      points\n      elapsedMs\n    }\n  }\n": typeof types.GameFieldsFragmentDoc,
    "\n  fragment TutorMessageFields on TutorMessage {\n    id\n    role\n    text\n    status\n    createdAt\n    error\n  }\n": typeof types.TutorMessageFieldsFragmentDoc,
    "\n  query ClassAnalytics($classId: ID!) {\n    classAnalytics(classId: $classId) {\n      studentCount\n      gradedStudentCount\n      mean\n      median\n      standardDeviation\n      atRiskCount\n      percentiles {\n        p10\n        p25\n        p50\n        p75\n        p90\n      }\n      histogram {\n        lower\n        upper\n        count\n      }\n      lessons {\n        mean\n        grades\n        students\n        completionRate\n        cronbachAlpha\n        lesson {\n          id\n          title\n        }\n      }\n      items {\n        attempts\n        facilityIndex\n        discriminationIndex\n        problem {\n          id\n          prompt\n        }\n      }\n    }\n  }\n": typeof types.ClassAnalyticsDocument,
    "\n  query StudentAnalytics($userId: ID) {\n    studentAnalytics(userId: $userId) {\n      count\n      mean\n      atRisk\n      atRiskReasons\n      user {\n        id\n        displayName\n      }\n      lessons {\n        mean\n        count\n        best\n        lesson {\n          id\n          title\n        }\n      }\n    }\n  }\n": typeof types.StudentAnalyticsDocument,
    "\n  mutation CreateClass($input: ClassCreateInput!) {\n    createClass(input: $input) {\n      class {\n        id\n        name\n        joinCode\n        courses {\n          id\n          title\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.CreateClassDocument,
    "\n  query Classes($studentsFirst: Int, $studentsAfter: String) {\n    classes {\n      id\n      name\n      joinCode\n      createdAt\n      studentCount\n      courses {\n        id\n        title\n      }\n      students(first: $studentsFirst, after: $studentsAfter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            displayName\n            xp\n          }\n        }\n      }\n    }\n  }\n": typeof types.ClassesDocument,
    "\n  mutation CreateCourse($input: CourseCreateInput!) {\n    createCourse(input: $input) {\n      course {\n        id\n        slug\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.CreateCourseDocument,
    "\n  mutation UpdateCourse($input: CourseUpdateInput!) {\n    updateCourse(input: $input) {\n      course {\n        id\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.UpdateCourseDocument,
    "\n  mutation CreateLesson($input: LessonCreateInput!) {\n    createLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.CreateLessonDocument,
    "\n  mutation UpdateLesson($input: LessonUpdateInput!) {\n    updateLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.UpdateLessonDocument,
    "\n  mutation PublishLesson($input: PublishLessonInput!) {\n    publishLesson(input: $input) {\n      lesson {\n        id\n        published\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.PublishLessonDocument,
    "\n  fragment AuthoredProblemFields on Problem {\n    ...ProblemFields\n    externalId\n    explanation\n    options {\n      id\n      text\n      correct\n    }\n    solution {\n      optionIds\n      number\n      tolerance\n      acceptedAnswers\n      referenceAnswer\n      rubric\n    }\n  }\n": typeof types.AuthoredProblemFieldsFragmentDoc,
    "\n  mutation CreateProblem($input: ProblemCreateInput!) {\n    createProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.CreateProblemDocument,
    "\n  mutation UpdateProblem($input: ProblemUpdateInput!) {\n    updateProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.UpdateProblemDocument,
    "\n  mutation ImportProblems($input: ImportProblemsInput!) {\n    importProblems(input: $input) {\n      created {\n        id\n        externalId\n      }\n      updated {\n        id\n        externalId\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.ImportProblemsDocument,
    "\n  mutation CreateGame($input: CreateGameInput!) {\n    createGame(input: $input) {\n      skippedProblemIds\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.CreateGameDocument,
    "\n  mutation StartGame($gameId: ID!) {\n    startGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.StartGameDocument,
    "\n  mutation NextGameQuestion($gameId: ID!) {\n    nextGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.NextGameQuestionDocument,
    "\n  mutation RevealGameQuestion($gameId: ID!) {\n    revealGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.RevealGameQuestionDocument,
    "\n  mutation EndGame($gameId: ID!) {\n    endGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.EndGameDocument,
    "\n  subscription GameHostUpdated($gameId: ID!) {\n    gameHostUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n": typeof types.GameHostUpdatedDocument,
    "\n  mutation GenerateProblems($input: GenerateProblemsInput!) {\n    generateProblems(input: $input) {\n      deduplicated\n      job {\n        ...JobFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.GenerateProblemsDocument,
    "\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobFields\n    }\n  }\n": typeof types.JobProgressDocument,
    "\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n    }\n  }\n": typeof types.JobDocument,
    "\n  query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {\n    jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...JobFields\n        }\n      }\n    }\n  }\n": typeof types.JobsDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(input: { email: $email, password: $password }) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout {\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.LogoutDocument,
    "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n      email\n      profile {\n        totalXp\n        currentStreak\n        bestStreak\n        lessonsCompleted\n        accuracy\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation JoinClass($joinCode: String!) {\n    joinClass(input: { joinCode: $joinCode }) {\n      class {\n        id\n        name\n        instructor {\n          id\n          displayName\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.JoinClassDocument,
    "\n  query MyClasses {\n    classes {\n      id\n      name\n      courses {\n        id\n        title\n      }\n    }\n  }\n": typeof types.MyClassesDocument,
    "\n  query Courses($first: Int, $after: String) {\n    courses(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          slug\n          title\n          description\n        }\n      }\n    }\n  }\n": typeof types.CoursesDocument,
    "\n  query Lessons($courseId: ID, $first: Int, $after: String) {\n    lessons(courseId: $courseId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...LessonFields\n        }\n      }\n    }\n  }\n": typeof types.LessonsDocument,
    "\n  query Lesson($id: ID!) {\n    lesson(id: $id) {\n      ...LessonFields\n      problems {\n        ...ProblemFields\n      }\n    }\n  }\n": typeof types.LessonDocument,
    "\n  query GameByPin($pin: String!) {\n    game(pin: $pin) {\n      ...GameFields\n    }\n  }\n": typeof types.GameByPinDocument,
    "\n  mutation JoinGame($input: JoinGameInput!) {\n    joinGame(input: $input) {\n      playerToken\n      player {\n        id\n        nickname\n      }\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.JoinGameDocument,
    "\n  mutation AnswerGameQuestion($input: AnswerGameQuestionInput!) {\n    answerGameQuestion(input: $input) {\n      replayed\n      answer {\n        id\n        questionIndex\n        correct\n        points\n        elapsedMs\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.AnswerGameQuestionDocument,
    "\n  subscription GameUpdated($gameId: ID!) {\n    gameUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n": typeof types.GameUpdatedDocument,
    "\n  query Leaderboard($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboard(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n": typeof types.LeaderboardDocument,
    "\n  subscription LeaderboardUpdated($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboardUpdated(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n": typeof types.LeaderboardUpdatedDocument,
    "\n  mutation SubmitAnswers($input: SubmitAnswersInput!) {\n    submitAnswers(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.SubmitAnswersDocument,
    "\n  mutation SubmitAnswer($input: SubmitAnswerInput!) {\n    submitAnswer(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.SubmitAnswerDocument,
    "\n  query NextProblem($courseId: ID, $lessonId: ID) {\n    nextProblem(courseId: $courseId, lessonId: $lessonId) {\n      reason\n      nextDueAt\n      problem {\n        ...ProblemFields\n      }\n      card {\n        id\n        state\n        due\n      }\n    }\n  }\n": typeof types.NextProblemDocument,
    "\n  query MySubmissions(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $courseId: ID\n    $lessonId: ID\n    $status: SubmissionStatus\n  ) {\n    viewer {\n      id\n      submissions(\n        first: $first\n        after: $after\n        last: $last\n        before: $before\n        courseId: $courseId\n        lessonId: $lessonId\n        status: $status\n      ) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...SubmissionFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.MySubmissionsDocument,
    "\n  subscription SubmissionGraded {\n    submissionGraded {\n      ...SubmissionFields\n    }\n  }\n": typeof types.SubmissionGradedDocument,
    "\n  query LearningEvents($first: Int, $after: String, $types: [LearningEventType!], $courseId: ID) {\n    viewer {\n      id\n      learningEvents(first: $first, after: $after, types: $types, courseId: $courseId) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            occurredAt\n            payload\n            courseId\n            lessonId\n            problemId\n          }\n        }\n      }\n    }\n  }\n": typeof types.LearningEventsDocument,
    "\n  query ReviewQueue($limit: Int, $courseId: ID) {\n    reviewQueue(limit: $limit, courseId: $courseId) {\n      ...ReviewCardFields\n      problem {\n        explanation\n        solution {\n          optionIds\n          number\n          tolerance\n          acceptedAnswers\n          referenceAnswer\n        }\n      }\n    }\n  }\n": typeof types.ReviewQueueDocument,
    "\n  mutation ReviewCard($input: ReviewCardInput!) {\n    reviewCard(input: $input) {\n      replayed\n      card {\n        ...ReviewCardFields\n      }\n      review {\n        id\n        rating\n        reviewedAt\n        stateBefore\n        stateAfter\n        due\n        xpAwarded\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.ReviewCardDocument,
    "\n  query ReviewStats {\n    reviewStats {\n      reviewsToday\n      newCardsToday\n      newCardsLeftToday\n      reviewsLeftToday\n      trueRetention\n      dueByDay {\n        date\n        count\n      }\n    }\n  }\n": typeof types.ReviewStatsDocument,
    "\n  mutation AskTutor($input: AskTutorInput!) {\n    askTutor(input: $input) {\n      replayed\n      thread {\n        id\n      }\n      message {\n        ...TutorMessageFields\n      }\n      reply {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.AskTutorDocument,
    "\n  subscription TutorReply($threadId: ID!) {\n    tutorReply(threadId: $threadId) {\n      messageId\n      delta\n      text\n      status\n      done\n    }\n  }\n": typeof types.TutorReplyDocument,
    "\n  mutation CancelTutorReply($threadId: ID!) {\n    cancelTutorReply(input: { threadId: $threadId }) {\n      message {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": typeof types.CancelTutorReplyDocument,
};
const documents: Documents = {
    "\n  fragment UserErrorFields on UserError {\n    field\n    code\n    message\n    retryAfter\n  }\n": types.UserErrorFieldsFragmentDoc,
    "\n  fragment ViewerFields on User {\n    id\n    displayName\n    role\n    timezone\n    xp\n    streak {\n      current\n      best\n      lastActiveOn\n    }\n  }\n": types.ViewerFieldsFragmentDoc,
    "\n  fragment ProblemFields on Problem {\n    id\n    kind\n    status\n    prompt\n    difficulty\n    tags\n    viewerHasAnswered\n    options {\n      id\n      text\n    }\n  }\n": types.ProblemFieldsFragmentDoc,
    "\n  fragment LessonFields on Lesson {\n    id\n    title\n    body\n    position\n    published\n    course {\n      id\n      title\n    }\n    viewerProgress {\n      bestScore\n      attempts\n      completed\n      lastSubmittedAt\n    }\n  }\n": types.LessonFieldsFragmentDoc,
    "\n  fragment SubmissionFields on Submission {\n    id\n    status\n    score\n    maxScore\n    xpAwarded\n    createdAt\n    gradedAt\n    lesson {\n      id\n      title\n    }\n    answers {\n      id\n      status\n      correct\n      score\n      feedback\n      problem {\n        id\n        explanation\n      }\n    }\n  }\n": types.SubmissionFieldsFragmentDoc,
    "\n  fragment ReviewCardFields on ReviewCard {\n    id\n    state\n    due\n    reps\n    lapses\n    retrievability\n    problem {\n      ...ProblemFields\n    }\n  }\n": types.ReviewCardFieldsFragmentDoc,
    "\n  fragment LeaderboardFields on Leaderboard {\n    updatedAt\n    scope {\n      kind\n    }\n    entries {\n      rank\n      xp\n      user {\n        id\n        displayName\n      }\n    }\n    viewerEntry {\n      rank\n      xp\n    }\n  }\n": types.LeaderboardFieldsFragmentDoc,
    "\n  fragment JobFields on Job {\n    id\n    kind\n    status\n    progress\n    error\n    attempts\n    totalTokens\n    cost\n    createdAt\n    finishedAt\n    requestedCount\n    rejectedCount\n    lesson {\n      id\n      title\n    }\n    problems {\n      id\n      status\n      prompt\n    }\n  }\n": types.JobFieldsFragmentDoc,
    "\n  fragment GameFields on Game {\n    id\n    pin\n    state\n    playerCount\n    questionCount\n    secondsPerQuestion\n    serverTime\n    viewerIsHost\n    currentQuestion {\n      index\n      kind\n      prompt\n      deadline\n      closed\n      skipped\n      options {\n        id\n        text\n      }\n      correctOptionIds\n      correctAnswer\n      answerCounts\n    }\n    standings(first: 10) {\n      rank\n      score\n      correctCount\n      player {\n        id\n        nickname\n      }\n    }\n    viewerStanding {\n      rank\n      score\n    }\n    viewerAnswer {\n      correct\n      points\n      elapsedMs\n    }\n  }\n": types.GameFieldsFragmentDoc,
    "\n  fragment TutorMessageFields on TutorMessage {\n    id\n    role\n    text\n    status\n    createdAt\n    error\n  }\n": types.TutorMessageFieldsFragmentDoc,
    "\n  query ClassAnalytics($classId: ID!) {\n    classAnalytics(classId: $classId) {\n      studentCount\n      gradedStudentCount\n      mean\n      median\n      standardDeviation\n      atRiskCount\n      percentiles {\n        p10\n        p25\n        p50\n        p75\n        p90\n      }\n      histogram {\n        lower\n        upper\n        count\n      }\n      lessons {\n        mean\n        grades\n        students\n        completionRate\n        cronbachAlpha\n        lesson {\n          id\n          title\n        }\n      }\n      items {\n        attempts\n        facilityIndex\n        discriminationIndex\n        problem {\n          id\n          prompt\n        }\n      }\n    }\n  }\n": types.ClassAnalyticsDocument,
    "\n  query StudentAnalytics($userId: ID) {\n    studentAnalytics(userId: $userId) {\n      count\n      mean\n      atRisk\n      atRiskReasons\n      user {\n        id\n        displayName\n      }\n      lessons {\n        mean\n        count\n        best\n        lesson {\n          id\n          title\n        }\n      }\n    }\n  }\n": types.StudentAnalyticsDocument,
    "\n  mutation CreateClass($input: ClassCreateInput!) {\n    createClass(input: $input) {\n      class {\n        id\n        name\n        joinCode\n        courses {\n          id\n          title\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.CreateClassDocument,
    "\n  query Classes($studentsFirst: Int, $studentsAfter: String) {\n    classes {\n      id\n      name\n      joinCode\n      createdAt\n      studentCount\n      courses {\n        id\n        title\n      }\n      students(first: $studentsFirst, after: $studentsAfter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            displayName\n            xp\n          }\n        }\n      }\n    }\n  }\n": types.ClassesDocument,
    "\n  mutation CreateCourse($input: CourseCreateInput!) {\n    createCourse(input: $input) {\n      course {\n        id\n        slug\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.CreateCourseDocument,
    "\n  mutation UpdateCourse($input: CourseUpdateInput!) {\n    updateCourse(input: $input) {\n      course {\n        id\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.UpdateCourseDocument,
    "\n  mutation CreateLesson($input: LessonCreateInput!) {\n    createLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.CreateLessonDocument,
    "\n  mutation UpdateLesson($input: LessonUpdateInput!) {\n    updateLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.UpdateLessonDocument,
    "\n  mutation PublishLesson($input: PublishLessonInput!) {\n    publishLesson(input: $input) {\n      lesson {\n        id\n        published\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.PublishLessonDocument,
    "\n  fragment AuthoredProblemFields on Problem {\n    ...ProblemFields\n    externalId\n    explanation\n    options {\n      id\n      text\n      correct\n    }\n    solution {\n      optionIds\n      number\n      tolerance\n      acceptedAnswers\n      referenceAnswer\n      rubric\n    }\n  }\n": types.AuthoredProblemFieldsFragmentDoc,
    "\n  mutation CreateProblem($input: ProblemCreateInput!) {\n    createProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.CreateProblemDocument,
    "\n  mutation UpdateProblem($input: ProblemUpdateInput!) {\n    updateProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.UpdateProblemDocument,
    "\n  mutation ImportProblems($input: ImportProblemsInput!) {\n    importProblems(input: $input) {\n      created {\n        id\n        externalId\n      }\n      updated {\n        id\n        externalId\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.ImportProblemsDocument,
    "\n  mutation CreateGame($input: CreateGameInput!) {\n    createGame(input: $input) {\n      skippedProblemIds\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.CreateGameDocument,
    "\n  mutation StartGame($gameId: ID!) {\n    startGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.StartGameDocument,
    "\n  mutation NextGameQuestion($gameId: ID!) {\n    nextGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.NextGameQuestionDocument,
    "\n  mutation RevealGameQuestion($gameId: ID!) {\n    revealGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.RevealGameQuestionDocument,
    "\n  mutation EndGame($gameId: ID!) {\n    endGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.EndGameDocument,
    "\n  subscription GameHostUpdated($gameId: ID!) {\n    gameHostUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n": types.GameHostUpdatedDocument,
    "\n  mutation GenerateProblems($input: GenerateProblemsInput!) {\n    generateProblems(input: $input) {\n      deduplicated\n      job {\n        ...JobFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.GenerateProblemsDocument,
    "\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobFields\n    }\n  }\n": types.JobProgressDocument,
    "\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n    }\n  }\n": types.JobDocument,
    "\n  query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {\n    jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...JobFields\n        }\n      }\n    }\n  }\n": types.JobsDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(input: { email: $email, password: $password }) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout {\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.LogoutDocument,
    "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n      email\n      profile {\n        totalXp\n        currentStreak\n        bestStreak\n        lessonsCompleted\n        accuracy\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation JoinClass($joinCode: String!) {\n    joinClass(input: { joinCode: $joinCode }) {\n      class {\n        id\n        name\n        instructor {\n          id\n          displayName\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.JoinClassDocument,
    "\n  query MyClasses {\n    classes {\n      id\n      name\n      courses {\n        id\n        title\n      }\n    }\n  }\n": types.MyClassesDocument,
    "\n  query Courses($first: Int, $after: String) {\n    courses(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          slug\n          title\n          description\n        }\n      }\n    }\n  }\n": types.CoursesDocument,
    "\n  query Lessons($courseId: ID, $first: Int, $after: String) {\n    lessons(courseId: $courseId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...LessonFields\n        }\n      }\n    }\n  }\n": types.LessonsDocument,
    "\n  query Lesson($id: ID!) {\n    lesson(id: $id) {\n      ...LessonFields\n      problems {\n        ...ProblemFields\n      }\n    }\n  }\n": types.LessonDocument,
    "\n  query GameByPin($pin: String!) {\n    game(pin: $pin) {\n      ...GameFields\n    }\n  }\n": types.GameByPinDocument,
    "\n  mutation JoinGame($input: JoinGameInput!) {\n    joinGame(input: $input) {\n      playerToken\n      player {\n        id\n        nickname\n      }\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.JoinGameDocument,
    "\n  mutation AnswerGameQuestion($input: AnswerGameQuestionInput!) {\n    answerGameQuestion(input: $input) {\n      replayed\n      answer {\n        id\n        questionIndex\n        correct\n        points\n        elapsedMs\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.AnswerGameQuestionDocument,
    "\n  subscription GameUpdated($gameId: ID!) {\n    gameUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n": types.GameUpdatedDocument,
    "\n  query Leaderboard($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboard(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n": types.LeaderboardDocument,
    "\n  subscription LeaderboardUpdated($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboardUpdated(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n": types.LeaderboardUpdatedDocument,
    "\n  mutation SubmitAnswers($input: SubmitAnswersInput!) {\n    submitAnswers(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.SubmitAnswersDocument,
    "\n  mutation SubmitAnswer($input: SubmitAnswerInput!) {\n    submitAnswer(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.SubmitAnswerDocument,
    "\n  query NextProblem($courseId: ID, $lessonId: ID) {\n    nextProblem(courseId: $courseId, lessonId: $lessonId) {\n      reason\n      nextDueAt\n      problem {\n        ...ProblemFields\n      }\n      card {\n        id\n        state\n        due\n      }\n    }\n  }\n": types.NextProblemDocument,
    "\n  query MySubmissions(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $courseId: ID\n    $lessonId: ID\n    $status: SubmissionStatus\n  ) {\n    viewer {\n      id\n      submissions(\n        first: $first\n        after: $after\n        last: $last\n        before: $before\n        courseId: $courseId\n        lessonId: $lessonId\n        status: $status\n      ) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...SubmissionFields\n          }\n        }\n      }\n    }\n  }\n": types.MySubmissionsDocument,
    "\n  subscription SubmissionGraded {\n    submissionGraded {\n      ...SubmissionFields\n    }\n  }\n": types.SubmissionGradedDocument,
    "\n  query LearningEvents($first: Int, $after: String, $types: [LearningEventType!], $courseId: ID) {\n    viewer {\n      id\n      learningEvents(first: $first, after: $after, types: $types, courseId: $courseId) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            occurredAt\n            payload\n            courseId\n            lessonId\n            problemId\n          }\n        }\n      }\n    }\n  }\n": types.LearningEventsDocument,
    "\n  query ReviewQueue($limit: Int, $courseId: ID) {\n    reviewQueue(limit: $limit, courseId: $courseId) {\n      ...ReviewCardFields\n      problem {\n        explanation\n        solution {\n          optionIds\n          number\n          tolerance\n          acceptedAnswers\n          referenceAnswer\n        }\n      }\n    }\n  }\n": types.ReviewQueueDocument,
    "\n  mutation ReviewCard($input: ReviewCardInput!) {\n    reviewCard(input: $input) {\n      replayed\n      card {\n        ...ReviewCardFields\n      }\n      review {\n        id\n        rating\n        reviewedAt\n        stateBefore\n        stateAfter\n        due\n        xpAwarded\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.ReviewCardDocument,
    "\n  query ReviewStats {\n    reviewStats {\n      reviewsToday\n      newCardsToday\n      newCardsLeftToday\n      reviewsLeftToday\n      trueRetention\n      dueByDay {\n        date\n        count\n      }\n    }\n  }\n": types.ReviewStatsDocument,
    "\n  mutation AskTutor($input: AskTutorInput!) {\n    askTutor(input: $input) {\n      replayed\n      thread {\n        id\n      }\n      message {\n        ...TutorMessageFields\n      }\n      reply {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.AskTutorDocument,
    "\n  subscription TutorReply($threadId: ID!) {\n    tutorReply(threadId: $threadId) {\n      messageId\n      delta\n      text\n      status\n      done\n    }\n  }\n": types.TutorReplyDocument,
    "\n  mutation CancelTutorReply($threadId: ID!) {\n    cancelTutorReply(input: { threadId: $threadId }) {\n      message {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n": types.CancelTutorReplyDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserErrorFields on UserError {\n    field\n    code\n    message\n    retryAfter\n  }\n"): (typeof documents)["\n  fragment UserErrorFields on UserError {\n    field\n    code\n    message\n    retryAfter\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ViewerFields on User {\n    id\n    displayName\n    role\n    timezone\n    xp\n    streak {\n      current\n      best\n      lastActiveOn\n    }\n  }\n"): (typeof documents)["\n  fragment ViewerFields on User {\n    id\n    displayName\n    role\n    timezone\n    xp\n    streak {\n      current\n      best\n      lastActiveOn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProblemFields on Problem {\n    id\n    kind\n    status\n    prompt\n    difficulty\n    tags\n    viewerHasAnswered\n    options {\n      id\n      text\n    }\n  }\n"): (typeof documents)["\n  fragment ProblemFields on Problem {\n    id\n    kind\n    status\n    prompt\n    difficulty\n    tags\n    viewerHasAnswered\n    options {\n      id\n      text\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LessonFields on Lesson {\n    id\n    title\n    body\n    position\n    published\n    course {\n      id\n      title\n    }\n    viewerProgress {\n      bestScore\n      attempts\n      completed\n      lastSubmittedAt\n    }\n  }\n"): (typeof documents)["\n  fragment LessonFields on Lesson {\n    id\n    title\n    body\n    position\n    published\n    course {\n      id\n      title\n    }\n    viewerProgress {\n      bestScore\n      attempts\n      completed\n      lastSubmittedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SubmissionFields on Submission {\n    id\n    status\n    score\n    maxScore\n    xpAwarded\n    createdAt\n    gradedAt\n    lesson {\n      id\n      title\n    }\n    answers {\n      id\n      status\n      correct\n      score\n      feedback\n      problem {\n        id\n        explanation\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment SubmissionFields on Submission {\n    id\n    status\n    score\n    maxScore\n    xpAwarded\n    createdAt\n    gradedAt\n    lesson {\n      id\n      title\n    }\n    answers {\n      id\n      status\n      correct\n      score\n      feedback\n      problem {\n        id\n        explanation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ReviewCardFields on ReviewCard {\n    id\n    state\n    due\n    reps\n    lapses\n    retrievability\n    problem {\n      ...ProblemFields\n    }\n  }\n"): (typeof documents)["\n  fragment ReviewCardFields on ReviewCard {\n    id\n    state\n    due\n    reps\n    lapses\n    retrievability\n    problem {\n      ...ProblemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LeaderboardFields on Leaderboard {\n    updatedAt\n    scope {\n      kind\n    }\n    entries {\n      rank\n      xp\n      user {\n        id\n        displayName\n      }\n    }\n    viewerEntry {\n      rank\n      xp\n    }\n  }\n"): (typeof documents)["\n  fragment LeaderboardFields on Leaderboard {\n    updatedAt\n    scope {\n      kind\n    }\n    entries {\n      rank\n      xp\n      user {\n        id\n        displayName\n      }\n    }\n    viewerEntry {\n      rank\n      xp\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobFields on Job {\n    id\n    kind\n    status\n    progress\n    error\n    attempts\n    totalTokens\n    cost\n    createdAt\n    finishedAt\n    requestedCount\n    rejectedCount\n    lesson {\n      id\n      title\n    }\n    problems {\n      id\n      status\n      prompt\n    }\n  }\n"): (typeof documents)["\n  fragment JobFields on Job {\n    id\n    kind\n    status\n    progress\n    error\n    attempts\n    totalTokens\n    cost\n    createdAt\n    finishedAt\n    requestedCount\n    rejectedCount\n    lesson {\n      id\n      title\n    }\n    problems {\n      id\n      status\n      prompt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GameFields on Game {\n    id\n    pin\n    state\n    playerCount\n    questionCount\n    secondsPerQuestion\n    serverTime\n    viewerIsHost\n    currentQuestion {\n      index\n      kind\n      prompt\n      deadline\n      closed\n      skipped\n      options {\n        id\n        text\n      }\n      correctOptionIds\n      correctAnswer\n      answerCounts\n    }\n    standings(first: 10) {\n      rank\n      score\n      correctCount\n      player {\n        id\n        nickname\n      }\n    }\n    viewerStanding {\n      rank\n      score\n    }\n    viewerAnswer {\n      correct\n      points\n      elapsedMs\n    }\n  }\n"): (typeof documents)["\n  fragment GameFields on Game {\n    id\n    pin\n    state\n    playerCount\n    questionCount\n    secondsPerQuestion\n    serverTime\n    viewerIsHost\n    currentQuestion {\n      index\n      kind\n      prompt\n      deadline\n      closed\n      skipped\n      options {\n        id\n        text\n      }\n      correctOptionIds\n      correctAnswer\n      answerCounts\n    }\n    standings(first: 10) {\n      rank\n      score\n      correctCount\n      player {\n        id\n        nickname\n      }\n    }\n    viewerStanding {\n      rank\n      score\n    }\n    viewerAnswer {\n      correct\n      points\n      elapsedMs\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TutorMessageFields on TutorMessage {\n    id\n    role\n    text\n    status\n    createdAt\n    error\n  }\n"): (typeof documents)["\n  fragment TutorMessageFields on TutorMessage {\n    id\n    role\n    text\n    status\n    createdAt\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClassAnalytics($classId: ID!) {\n    classAnalytics(classId: $classId) {\n      studentCount\n      gradedStudentCount\n      mean\n      median\n      standardDeviation\n      atRiskCount\n      percentiles {\n        p10\n        p25\n        p50\n        p75\n        p90\n      }\n      histogram {\n        lower\n        upper\n        count\n      }\n      lessons {\n        mean\n        grades\n        students\n        completionRate\n        cronbachAlpha\n        lesson {\n          id\n          title\n        }\n      }\n      items {\n        attempts\n        facilityIndex\n        discriminationIndex\n        problem {\n          id\n          prompt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ClassAnalytics($classId: ID!) {\n    classAnalytics(classId: $classId) {\n      studentCount\n      gradedStudentCount\n      mean\n      median\n      standardDeviation\n      atRiskCount\n      percentiles {\n        p10\n        p25\n        p50\n        p75\n        p90\n      }\n      histogram {\n        lower\n        upper\n        count\n      }\n      lessons {\n        mean\n        grades\n        students\n        completionRate\n        cronbachAlpha\n        lesson {\n          id\n          title\n        }\n      }\n      items {\n        attempts\n        facilityIndex\n        discriminationIndex\n        problem {\n          id\n          prompt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudentAnalytics($userId: ID) {\n    studentAnalytics(userId: $userId) {\n      count\n      mean\n      atRisk\n      atRiskReasons\n      user {\n        id\n        displayName\n      }\n      lessons {\n        mean\n        count\n        best\n        lesson {\n          id\n          title\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudentAnalytics($userId: ID) {\n    studentAnalytics(userId: $userId) {\n      count\n      mean\n      atRisk\n      atRiskReasons\n      user {\n        id\n        displayName\n      }\n      lessons {\n        mean\n        count\n        best\n        lesson {\n          id\n          title\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateClass($input: ClassCreateInput!) {\n    createClass(input: $input) {\n      class {\n        id\n        name\n        joinCode\n        courses {\n          id\n          title\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateClass($input: ClassCreateInput!) {\n    createClass(input: $input) {\n      class {\n        id\n        name\n        joinCode\n        courses {\n          id\n          title\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Classes($studentsFirst: Int, $studentsAfter: String) {\n    classes {\n      id\n      name\n      joinCode\n      createdAt\n      studentCount\n      courses {\n        id\n        title\n      }\n      students(first: $studentsFirst, after: $studentsAfter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            displayName\n            xp\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Classes($studentsFirst: Int, $studentsAfter: String) {\n    classes {\n      id\n      name\n      joinCode\n      createdAt\n      studentCount\n      courses {\n        id\n        title\n      }\n      students(first: $studentsFirst, after: $studentsAfter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            displayName\n            xp\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCourse($input: CourseCreateInput!) {\n    createCourse(input: $input) {\n      course {\n        id\n        slug\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCourse($input: CourseCreateInput!) {\n    createCourse(input: $input) {\n      course {\n        id\n        slug\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCourse($input: CourseUpdateInput!) {\n    updateCourse(input: $input) {\n      course {\n        id\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCourse($input: CourseUpdateInput!) {\n    updateCourse(input: $input) {\n      course {\n        id\n        title\n        description\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateLesson($input: LessonCreateInput!) {\n    createLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateLesson($input: LessonCreateInput!) {\n    createLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateLesson($input: LessonUpdateInput!) {\n    updateLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateLesson($input: LessonUpdateInput!) {\n    updateLesson(input: $input) {\n      lesson {\n        ...LessonFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishLesson($input: PublishLessonInput!) {\n    publishLesson(input: $input) {\n      lesson {\n        id\n        published\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PublishLesson($input: PublishLessonInput!) {\n    publishLesson(input: $input) {\n      lesson {\n        id\n        published\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthoredProblemFields on Problem {\n    ...ProblemFields\n    externalId\n    explanation\n    options {\n      id\n      text\n      correct\n    }\n    solution {\n      optionIds\n      number\n      tolerance\n      acceptedAnswers\n      referenceAnswer\n      rubric\n    }\n  }\n"): (typeof documents)["\n  fragment AuthoredProblemFields on Problem {\n    ...ProblemFields\n    externalId\n    explanation\n    options {\n      id\n      text\n      correct\n    }\n    solution {\n      optionIds\n      number\n      tolerance\n      acceptedAnswers\n      referenceAnswer\n      rubric\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProblem($input: ProblemCreateInput!) {\n    createProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProblem($input: ProblemCreateInput!) {\n    createProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProblem($input: ProblemUpdateInput!) {\n    updateProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProblem($input: ProblemUpdateInput!) {\n    updateProblem(input: $input) {\n      problem {\n        ...AuthoredProblemFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportProblems($input: ImportProblemsInput!) {\n    importProblems(input: $input) {\n      created {\n        id\n        externalId\n      }\n      updated {\n        id\n        externalId\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportProblems($input: ImportProblemsInput!) {\n    importProblems(input: $input) {\n      created {\n        id\n        externalId\n      }\n      updated {\n        id\n        externalId\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGame($input: CreateGameInput!) {\n    createGame(input: $input) {\n      skippedProblemIds\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGame($input: CreateGameInput!) {\n    createGame(input: $input) {\n      skippedProblemIds\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartGame($gameId: ID!) {\n    startGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation StartGame($gameId: ID!) {\n    startGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NextGameQuestion($gameId: ID!) {\n    nextGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation NextGameQuestion($gameId: ID!) {\n    nextGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevealGameQuestion($gameId: ID!) {\n    revealGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevealGameQuestion($gameId: ID!) {\n    revealGameQuestion(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndGame($gameId: ID!) {\n    endGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EndGame($gameId: ID!) {\n    endGame(input: { gameId: $gameId }) {\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription GameHostUpdated($gameId: ID!) {\n    gameHostUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n"): (typeof documents)["\n  subscription GameHostUpdated($gameId: ID!) {\n    gameHostUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateProblems($input: GenerateProblemsInput!) {\n    generateProblems(input: $input) {\n      deduplicated\n      job {\n        ...JobFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation GenerateProblems($input: GenerateProblemsInput!) {\n    generateProblems(input: $input) {\n      deduplicated\n      job {\n        ...JobFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  subscription JobProgress($jobId: ID!) {\n    jobProgress(jobId: $jobId) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  query Job($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {\n    jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...JobFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {\n    jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...JobFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(input: { email: $email, password: $password }) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(input: { email: $email, password: $password }) {\n      token\n      user {\n        ...ViewerFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout {\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout {\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n      email\n      profile {\n        totalXp\n        currentStreak\n        bestStreak\n        lessonsCompleted\n        accuracy\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      ...ViewerFields\n      email\n      profile {\n        totalXp\n        currentStreak\n        bestStreak\n        lessonsCompleted\n        accuracy\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinClass($joinCode: String!) {\n    joinClass(input: { joinCode: $joinCode }) {\n      class {\n        id\n        name\n        instructor {\n          id\n          displayName\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation JoinClass($joinCode: String!) {\n    joinClass(input: { joinCode: $joinCode }) {\n      class {\n        id\n        name\n        instructor {\n          id\n          displayName\n        }\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyClasses {\n    classes {\n      id\n      name\n      courses {\n        id\n        title\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyClasses {\n    classes {\n      id\n      name\n      courses {\n        id\n        title\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Courses($first: Int, $after: String) {\n    courses(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          slug\n          title\n          description\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Courses($first: Int, $after: String) {\n    courses(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          slug\n          title\n          description\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Lessons($courseId: ID, $first: Int, $after: String) {\n    lessons(courseId: $courseId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...LessonFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Lessons($courseId: ID, $first: Int, $after: String) {\n    lessons(courseId: $courseId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...LessonFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Lesson($id: ID!) {\n    lesson(id: $id) {\n      ...LessonFields\n      problems {\n        ...ProblemFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Lesson($id: ID!) {\n    lesson(id: $id) {\n      ...LessonFields\n      problems {\n        ...ProblemFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GameByPin($pin: String!) {\n    game(pin: $pin) {\n      ...GameFields\n    }\n  }\n"): (typeof documents)["\n  query GameByPin($pin: String!) {\n    game(pin: $pin) {\n      ...GameFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinGame($input: JoinGameInput!) {\n    joinGame(input: $input) {\n      playerToken\n      player {\n        id\n        nickname\n      }\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation JoinGame($input: JoinGameInput!) {\n    joinGame(input: $input) {\n      playerToken\n      player {\n        id\n        nickname\n      }\n      game {\n        ...GameFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerGameQuestion($input: AnswerGameQuestionInput!) {\n    answerGameQuestion(input: $input) {\n      replayed\n      answer {\n        id\n        questionIndex\n        correct\n        points\n        elapsedMs\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AnswerGameQuestion($input: AnswerGameQuestionInput!) {\n    answerGameQuestion(input: $input) {\n      replayed\n      answer {\n        id\n        questionIndex\n        correct\n        points\n        elapsedMs\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription GameUpdated($gameId: ID!) {\n    gameUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n"): (typeof documents)["\n  subscription GameUpdated($gameId: ID!) {\n    gameUpdated(gameId: $gameId) {\n      ...GameFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Leaderboard($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboard(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n"): (typeof documents)["\n  query Leaderboard($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboard(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LeaderboardUpdated($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboardUpdated(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n"): (typeof documents)["\n  subscription LeaderboardUpdated($scope: LeaderboardScopeInput!, $first: Int) {\n    leaderboardUpdated(scope: $scope, first: $first) {\n      ...LeaderboardFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitAnswers($input: SubmitAnswersInput!) {\n    submitAnswers(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitAnswers($input: SubmitAnswersInput!) {\n    submitAnswers(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitAnswer($input: SubmitAnswerInput!) {\n    submitAnswer(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitAnswer($input: SubmitAnswerInput!) {\n    submitAnswer(input: $input) {\n      replayed\n      submission {\n        ...SubmissionFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NextProblem($courseId: ID, $lessonId: ID) {\n    nextProblem(courseId: $courseId, lessonId: $lessonId) {\n      reason\n      nextDueAt\n      problem {\n        ...ProblemFields\n      }\n      card {\n        id\n        state\n        due\n      }\n    }\n  }\n"): (typeof documents)["\n  query NextProblem($courseId: ID, $lessonId: ID) {\n    nextProblem(courseId: $courseId, lessonId: $lessonId) {\n      reason\n      nextDueAt\n      problem {\n        ...ProblemFields\n      }\n      card {\n        id\n        state\n        due\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySubmissions(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $courseId: ID\n    $lessonId: ID\n    $status: SubmissionStatus\n  ) {\n    viewer {\n      id\n      submissions(\n        first: $first\n        after: $after\n        last: $last\n        before: $before\n        courseId: $courseId\n        lessonId: $lessonId\n        status: $status\n      ) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...SubmissionFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MySubmissions(\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n    $courseId: ID\n    $lessonId: ID\n    $status: SubmissionStatus\n  ) {\n    viewer {\n      id\n      submissions(\n        first: $first\n        after: $after\n        last: $last\n        before: $before\n        courseId: $courseId\n        lessonId: $lessonId\n        status: $status\n      ) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...SubmissionFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SubmissionGraded {\n    submissionGraded {\n      ...SubmissionFields\n    }\n  }\n"): (typeof documents)["\n  subscription SubmissionGraded {\n    submissionGraded {\n      ...SubmissionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LearningEvents($first: Int, $after: String, $types: [LearningEventType!], $courseId: ID) {\n    viewer {\n      id\n      learningEvents(first: $first, after: $after, types: $types, courseId: $courseId) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            occurredAt\n            payload\n            courseId\n            lessonId\n            problemId\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LearningEvents($first: Int, $after: String, $types: [LearningEventType!], $courseId: ID) {\n    viewer {\n      id\n      learningEvents(first: $first, after: $after, types: $types, courseId: $courseId) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            id\n            type\n            occurredAt\n            payload\n            courseId\n            lessonId\n            problemId\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewQueue($limit: Int, $courseId: ID) {\n    reviewQueue(limit: $limit, courseId: $courseId) {\n      ...ReviewCardFields\n      problem {\n        explanation\n        solution {\n          optionIds\n          number\n          tolerance\n          acceptedAnswers\n          referenceAnswer\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewQueue($limit: Int, $courseId: ID) {\n    reviewQueue(limit: $limit, courseId: $courseId) {\n      ...ReviewCardFields\n      problem {\n        explanation\n        solution {\n          optionIds\n          number\n          tolerance\n          acceptedAnswers\n          referenceAnswer\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewCard($input: ReviewCardInput!) {\n    reviewCard(input: $input) {\n      replayed\n      card {\n        ...ReviewCardFields\n      }\n      review {\n        id\n        rating\n        reviewedAt\n        stateBefore\n        stateAfter\n        due\n        xpAwarded\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReviewCard($input: ReviewCardInput!) {\n    reviewCard(input: $input) {\n      replayed\n      card {\n        ...ReviewCardFields\n      }\n      review {\n        id\n        rating\n        reviewedAt\n        stateBefore\n        stateAfter\n        due\n        xpAwarded\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewStats {\n    reviewStats {\n      reviewsToday\n      newCardsToday\n      newCardsLeftToday\n      reviewsLeftToday\n      trueRetention\n      dueByDay {\n        date\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewStats {\n    reviewStats {\n      reviewsToday\n      newCardsToday\n      newCardsLeftToday\n      reviewsLeftToday\n      trueRetention\n      dueByDay {\n        date\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AskTutor($input: AskTutorInput!) {\n    askTutor(input: $input) {\n      replayed\n      thread {\n        id\n      }\n      message {\n        ...TutorMessageFields\n      }\n      reply {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AskTutor($input: AskTutorInput!) {\n    askTutor(input: $input) {\n      replayed\n      thread {\n        id\n      }\n      message {\n        ...TutorMessageFields\n      }\n      reply {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TutorReply($threadId: ID!) {\n    tutorReply(threadId: $threadId) {\n      messageId\n      delta\n      text\n      status\n      done\n    }\n  }\n"): (typeof documents)["\n  subscription TutorReply($threadId: ID!) {\n    tutorReply(threadId: $threadId) {\n      messageId\n      delta\n      text\n      status\n      done\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTutorReply($threadId: ID!) {\n    cancelTutorReply(input: { threadId: $threadId }) {\n      message {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTutorReply($threadId: ID!) {\n    cancelTutorReply(input: { threadId: $threadId }) {\n      message {\n        ...TutorMessageFields\n      }\n      errors {\n        ...UserErrorFields\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;