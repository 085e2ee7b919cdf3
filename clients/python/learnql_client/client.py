from collections.abc import AsyncIterator
from typing import Any, Optional, Union

from .async_base_client import AsyncBaseClient
from .base_model import UNSET, UnsetType
from .courses import Courses
from .enums import SubmissionStatus
from .input_types import (
    LeaderboardScopeInput,
    RegisterInput,
    ReviewCardInput,
    SubmitAnswersInput,
)
from .leaderboard import Leaderboard
from .leaderboard_updated import LeaderboardUpdated
from .lesson import Lesson
from .lessons import Lessons
from .login import Login
from .my_submissions import MySubmissions
from .register import Register
from .review_card import ReviewCard
from .review_queue import ReviewQueue
from .submission_graded import SubmissionGraded
from .submit_answers import SubmitAnswers
from .viewer import Viewer


def gql(q: str) -> str:
    return q


class LearnQLClient(AsyncBaseClient):
    async def login(self, email: str, password: str, **kwargs: Any) -> Login:
        query = gql("""
            mutation Login($email: String!, $password: String!) {
              login(input: {email: $email, password: $password}) {
                token
                user {
                  ...ViewerFields
                }
                errors {
                  ...UserErrorFields
                }
              }
            }

            fragment UserErrorFields on UserError {
              field
              code
              message
              retryAfter
            }

            fragment ViewerFields on User {
              id
              displayName
              role
              timezone
              xp
              streak {
                current
                best
              }
            }
            """)
        variables: dict[str, object] = {"email": email, "password": password}
        response = await self.execute(
            query=query, operation_name="Login", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Login.model_validate(data)

    async def register(self, input: RegisterInput, **kwargs: Any) -> Register:
        query = gql("""
            mutation Register($input: RegisterInput!) {
              signUp: register(input: $input) {
                token
                user {
                  ...ViewerFields
                }
                errors {
                  ...UserErrorFields
                }
              }
            }

            fragment UserErrorFields on UserError {
              field
              code
              message
              retryAfter
            }

            fragment ViewerFields on User {
              id
              displayName
              role
              timezone
              xp
              streak {
                current
                best
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="Register", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Register.model_validate(data)

    async def viewer(self, **kwargs: Any) -> Viewer:
        query = gql("""
            query Viewer {
              viewer {
                ...ViewerFields
              }
            }

            fragment ViewerFields on User {
              id
              displayName
              role
              timezone
              xp
              streak {
                current
                best
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query, operation_name="Viewer", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Viewer.model_validate(data)

    async def courses(
        self,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Courses:
        query = gql("""
            query Courses($first: Int, $after: String) {
              courses(first: $first, after: $after) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    id
                    title
                    description
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"first": first, "after": after}
        response = await self.execute(
            query=query, operation_name="Courses", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Courses.model_validate(data)

    async def lessons(
        self,
        course_id: Union[Optional[str], UnsetType] = UNSET,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Lessons:
        query = gql("""
            query Lessons($courseId: ID, $first: Int, $after: String) {
              lessons(courseId: $courseId, first: $first, after: $after) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    ...LessonFields
                  }
                }
              }
            }

            fragment LessonFields on Lesson {
              id
              title
              position
              course {
                id
                title
              }
              viewerProgress {
                bestScore
                attempts
                completed
              }
              problems {
                ...ProblemFields
              }
            }

            fragment ProblemFields on Problem {
              id
              kind
              prompt
              difficulty
              options {
                id
                text
              }
            }
            """)
        variables: dict[str, object] = {
            "courseId": course_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Lessons", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Lessons.model_validate(data)

    async def lesson(self, id: str, **kwargs: Any) -> Lesson:
        query = gql("""
            query Lesson($id: ID!) {
              lesson(id: $id) {
                ...LessonFields
              }
            }

            fragment LessonFields on Lesson {
              id
              title
              position
              course {
                id
                title
              }
              viewerProgress {
                bestScore
                attempts
                completed
              }
              problems {
                ...ProblemFields
              }
            }

            fragment ProblemFields on Problem {
              id
              kind
              prompt
              difficulty
              options {
                id
                text
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Lesson", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Lesson.model_validate(data)

    async def leaderboard(
        self,
        scope: LeaderboardScopeInput,
        first: Union[Optional[int], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Leaderboard:
        query = gql("""
            query Leaderboard($scope: LeaderboardScopeInput!, $first: Int) {
              leaderboard(scope: $scope, first: $first) {
                ...LeaderboardFields
              }
            }

            fragment LeaderboardFields on Leaderboard {
              updatedAt
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
            """)
        variables: dict[str, object] = {"scope": scope, "first": first}
        response = await self.execute(
            query=query, operation_name="Leaderboard", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Leaderboard.model_validate(data)

    async def leaderboard_updated(
        self,
        scope: LeaderboardScopeInput,
        first: Union[Optional[int], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> AsyncIterator[LeaderboardUpdated]:
        query = gql("""
            subscription LeaderboardUpdated($scope: LeaderboardScopeInput!, $first: Int) {
              leaderboardUpdated(scope: $scope, first: $first) {
                ...LeaderboardFields
              }
            }

            fragment LeaderboardFields on Leaderboard {
              updatedAt
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
            """)
        variables: dict[str, object] = {"scope": scope, "first": first}
        async for data in self.execute_ws(
            query=query,
            operation_name="LeaderboardUpdated",
            variables=variables,
            **kwargs,
        ):
            yield LeaderboardUpdated.model_validate(data)

    async def submit_answers(
        self, input: SubmitAnswersInput, **kwargs: Any
    ) -> SubmitAnswers:
        query = gql("""
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

            fragment SubmissionFields on Submission {
              id
              status
              score
              maxScore
              xpAwarded
              createdAt
              gradedAt
              answers {
                id
                status
                correct
                score
                feedback
                problem {
                  id
                }
              }
            }

            fragment UserErrorFields on UserError {
              field
              code
              message
              retryAfter
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="SubmitAnswers", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return SubmitAnswers.model_validate(data)

    async def my_submissions(
        self,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        lesson_id: Union[Optional[str], UnsetType] = UNSET,
        status: Union[Optional[SubmissionStatus], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> MySubmissions:
        query = gql("""
            query MySubmissions($first: Int, $after: String, $lessonId: ID, $status: SubmissionStatus) {
              viewer {
                submissions(first: $first, after: $after, lessonId: $lessonId, status: $status) {
                  totalCount
                  pageInfo {
                    hasNextPage
                    endCursor
                  }
                  edges {
                    node {
                      ...SubmissionFields
                    }
                  }
                }
              }
            }

            fragment SubmissionFields on Submission {
              id
              status
              score
              maxScore
              xpAwarded
              createdAt
              gradedAt
              answers {
                id
                status
                correct
                score
                feedback
                problem {
                  id
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "first": first,
            "after": after,
            "lessonId": lesson_id,
            "status": status,
        }
        response = await self.execute(
            query=query, operation_name="MySubmissions", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return MySubmissions.model_validate(data)

    async def submission_graded(self, **kwargs: Any) -> AsyncIterator[SubmissionGraded]:
        query = gql("""
            subscription SubmissionGraded {
              submissionGraded {
                ...SubmissionFields
              }
            }

            fragment SubmissionFields on Submission {
              id
              status
              score
              maxScore
              xpAwarded
              createdAt
              gradedAt
              answers {
                id
                status
                correct
                score
                feedback
                problem {
                  id
                }
              }
            }
            """)
        variables: dict[str, object] = {}
        async for data in self.execute_ws(
            query=query,
            operation_name="SubmissionGraded",
            variables=variables,
            **kwargs,
        ):
            yield SubmissionGraded.model_validate(data)

    async def review_queue(
        self,
        limit: Union[Optional[int], UnsetType] = UNSET,
        course_id: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ReviewQueue:
        query = gql("""
            query ReviewQueue($limit: Int, $courseId: ID) {
              reviewQueue(limit: $limit, courseId: $courseId) {
                ...ReviewCardFields
              }
            }

            fragment ReviewCardFields on ReviewCard {
              id
              state
              due
              reps
              lapses
              problem {
                id
                prompt
              }
            }
            """)
        variables: dict[str, object] = {"limit": limit, "courseId": course_id}
        response = await self.execute(
            query=query, operation_name="ReviewQueue", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReviewQueue.model_validate(data)

    async def review_card(self, input: ReviewCardInput, **kwargs: Any) -> ReviewCard:
        query = gql("""
            mutation ReviewCard($input: ReviewCardInput!) {
              reviewCard(input: $input) {
                replayed
                card {
                  ...ReviewCardFields
                }
                review {
                  id
                  rating
                  reviewedAt
                  stateBefore
                  stateAfter
                  xpAwarded
                }
                errors {
                  ...UserErrorFields
                }
              }
            }

            fragment ReviewCardFields on ReviewCard {
              id
              state
              due
              reps
              lapses
              problem {
                id
                prompt
              }
            }

            fragment UserErrorFields on UserError {
              field
              code
              message
              retryAfter
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="ReviewCard", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReviewCard.model_validate(data)
