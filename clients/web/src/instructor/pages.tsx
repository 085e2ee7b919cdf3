// The instructor's pages, in a chunk of their own: a learner's browser never loads them (routes.tsx imports this
// file lazily, on the first visit to /teach).
export { Analytics } from "./Analytics";
export { Authoring } from "./Authoring";
export { Classes } from "./Classes";
export { CourseEditor } from "./CourseEditor";
export { LessonEditor } from "./LessonEditor";
