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

// The web app's dashboard of a class: the distribution, the items and the students at risk with their trend.
export const ClassDashboardQuery = graphql(`
  query ClassDashboard($classId: ID!, $atRiskFirst: Int!) {
    classAnalytics(classId: $classId) {
      studentCount
      gradedStudentCount
      mean
      median
      standardDeviation
      atRiskCount
      histogram {
        lower
        upper
        count
      }
      lessons {
        mean
        students
        completionRate
        lesson {
          id
          title
          position
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
        lesson {
          id
          title
        }
      }
      atRiskStudents(first: $atRiskFirst) {
        count
        mean
        reasons
        trend {
          slopePerWeek
          change30Days
        }
        user {
          id
          displayName
        }
      }
      class {
        id
        name
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
      trend {
        slopePerWeek
        change30Days
      }
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
