// Grade analytics for a class and for one student.
import { graphql } from "../../gql/index.js";

export const ClassAnalyticsQuery = graphql(`
  query ClassAnalytics($classId: ID!) {
    classAnalytics(classId: $classId) {
      studentCount
      gradedStudentCount
      mean
      median
      standardDeviation
      atRiskCount
      percentiles {
        p10
        p25
        p50
        p75
        p90
      }
      histogram {
        lower
        upper
        count
      }
      lessons {
        mean
        grades
        students
        completionRate
        cronbachAlpha
        lesson {
          id
          title
        }
      }
      items {
        attempts
        facilityIndex
        discriminationIndex
        problem {
          id
          prompt
        }
      }
    }
  }
`);

export const StudentAnalyticsQuery = graphql(`
  query StudentAnalytics($userId: ID) {
    studentAnalytics(userId: $userId) {
      count
      mean
      atRisk
      atRiskReasons
      user {
        id
        displayName
      }
      lessons {
        mean
        count
        best
        lesson {
          id
          title
        }
      }
    }
  }
`);
