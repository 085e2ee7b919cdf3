import{g as y,a as e,d as c,b as $e,A as V,r as L,F as x,L as B,C as ce,n as de,$ as te,u as Ee,c as ve}from"./index-DjRcPhnC.js";y(`
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
`);const Le=y(`
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
`),Se=y(`
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
`),Fe=y(`
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
`),ue=y(`
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
`),Q=640,z=240,X=36,Pe=28,Y=18;function Ae(s){const t=Math.max(1,Math.ceil(s/4)),r=[];for(let n=0;n<=s;n+=t)r.push(n);return r}function Te({buckets:s,label:t}){const r=Math.max(1,...s.map(i=>i.count)),n=z-Y-Pe,a=(Q-X)/Math.max(1,s.length),o=i=>Y+n-i/r*n,l=s.reduce((i,u)=>i+u.count,0);return e("svg",{class:"chart histogram",viewBox:`0 0 ${Q} ${z}`,role:"img","aria-label":`${t}: ${s.map(i=>`${i.lower}-${i.upper}%: ${i.count}`).join(", ")}`,"data-testid":"histogram","data-total":l,children:[Ae(r).map(i=>e("g",{children:[e("line",{class:"grid",x1:X,x2:Q,y1:o(i),y2:o(i)}),e("text",{class:"axis",x:X-6,y:o(i)+4,"text-anchor":"end",children:i})]},i)),s.map((i,u)=>{const p=X+u*a+3,d=o(i.count),f=i.upper<=50;return e("g",{"data-testid":"histogram-bar","data-count":i.count,children:[e("rect",{class:`bar ${f?"low":""}`,x:p,y:d,width:a-6,height:Y+n-d,children:e("title",{children:[i.lower,"–",i.upper,"%: ",i.count," student",i.count===1?"":"s"]})}),i.count>0&&e("text",{class:"value",x:p+(a-6)/2,y:d-4,"text-anchor":"middle",children:i.count}),e("text",{class:"axis",x:p+(a-6)/2,y:z-10,"text-anchor":"middle",children:[i.lower,"–",i.upper]})]},i.lower)})]})}const A=30,j=170,H=220,he=24,K=200,Ne=j+H+he+K+60;function De(s){const t=s.length>1?H/(s.length-1):0;let r="",n=!1;return s.forEach((a,o)=>{if(a===null){n=!1;return}const l=j+o*t,i=A-4-a/100*(A-8);r+=`${n?"L":"M"}${l.toFixed(1)},${i.toFixed(1)}`,n=!0}),r}function ke({students:s}){const t=[...s].sort((o,l)=>(o.slopePerWeek??0)-(l.slopePerWeek??0)),r=Math.max(5,...t.map(o=>Math.abs(o.slopePerWeek??0))),n=j+H+he+K/2,a=A*(t.length+1);return e("svg",{class:"chart trends",viewBox:`0 0 ${Ne} ${a}`,role:"img","aria-label":"Trend per student","data-testid":"trends",children:[e("text",{class:"axis",x:j,y:14,children:"mean per lesson (0–100%)"}),e("text",{class:"axis",x:n,y:14,"text-anchor":"middle",children:"points per week"}),e("line",{class:"zero",x1:n,x2:n,y1:A-6,y2:a}),t.map((o,l)=>{const i=o.slopePerWeek,u=i===null?0:Math.abs(i)/r*(K/2);return e("g",{transform:`translate(0 ${A*(l+1)})`,"data-testid":"trend-row",children:[e("text",{x:0,y:A/2+4,class:"label",children:o.name.length>22?`${o.name.slice(0,21)}…`:o.name}),e("rect",{class:"spark-band",x:j,y:4,width:H,height:A-8}),o.lessonMeans.map((p,d)=>p===null?null:e("circle",{class:"spark-dot",cx:j+(o.lessonMeans.length>1?d*H/(o.lessonMeans.length-1):H/2),cy:A-4-p/100*(A-8),r:2.5},d)),e("path",{class:"spark",d:De(o.lessonMeans)}),i!==null&&e("rect",{class:`slope ${i<0?"falling":"rising"}`,x:i<0?n-u:n,y:8,width:Math.max(1,u),height:A-16,children:e("title",{children:[o.name,": ",i>=0?"+":"",i.toFixed(1)," points per week"]})}),e("text",{class:"value",x:n+K/2+8,y:A/2+4,children:i===null?"–":`${i>=0?"+":""}${i.toFixed(1)}`})]},o.id)})]})}function k(s){const t={};for(const r of s){const n=r.field??[],a=(n[0]==="input"?n.slice(1):n).join(".");t[a]=t[a]?`${t[a]} ${r.message}`:r.message}return t}function pe(s,t){return`${s}-${t.replace(/\./g,"-")}`}function _({errors:s,path:t,form:r}){const n=s[t];return n?e("span",{class:"field-error",id:`${pe(r,t)}-error`,role:"alert",children:n}):null}function U({errors:s,shown:t}){const r=Object.entries(s).filter(([n])=>!t.some(a=>n===a||n.startsWith(`${a}.`)));return r.length?e("ul",{class:"field-error",role:"alert",children:r.map(([n,a])=>e("li",{children:n?`${n}: ${a}`:a},n))}):null}function I({form:s,path:t,label:r,value:n,onInput:a,errors:o,maxLength:l,rows:i,numeric:u=!1,hint:p}){const d=pe(s,t),f=o[t]!==void 0,h={id:d,name:t,value:n,maxLength:l,"aria-invalid":f,"aria-describedby":f?`${d}-error`:void 0};return e("div",{class:"field",children:[e("label",{for:d,children:r}),p&&e("span",{class:"hint",children:p}),i?e("textarea",{...h,rows:i,onInput:m=>a(m.currentTarget.value)}):e("input",{...h,inputMode:u?"decimal":void 0,onInput:m=>a(m.currentTarget.value)}),e(_,{errors:o,path:t,form:s})]})}function J(s,t){const[r,n]=c(null),[a,o]=c(null),l=JSON.stringify(t),i=$e(()=>L(s,t).then(u=>{o(null),n(u)},u=>o(u)),[s,l]);return V(()=>{n(null),i()},[i]),{data:r,failure:a,reload:i}}const Z=100;function ft(){const{data:s,failure:t,reload:r}=J(ue,{studentsFirst:Z});return e("main",{class:"wide",children:[e("h1",{children:"Classes"}),e(x,{error:t}),!s&&!t&&e("p",{children:"Loading…"}),s&&!s.classes.length&&e("p",{children:"No classes yet: create one below and give its join code to your learners."}),e("ul",{class:"cards",children:s?.classes.map(n=>e("li",{"data-testid":"class",children:[e("h2",{children:n.name}),e("p",{children:["Join code ",e("code",{class:"join-code","data-testid":"join-code",children:n.joinCode})," ·"," ",n.studentCount," student",n.studentCount===1?"":"s"," ·"," ",e(B,{href:`/teach/classes/${encodeURIComponent(n.id)}`,children:"Analytics"})]}),e("p",{class:"hint",children:n.courses.length?`Courses: ${n.courses.map(a=>a.title).join(", ")}`:"Every course counts"}),n.students&&n.students.edges.length>0&&e("details",{children:[e("summary",{children:"Members"}),e("ul",{"data-testid":"members",children:[n.students.edges.map(({node:a})=>e("li",{children:[a.displayName," ",e("span",{class:"hint",children:[a.xp," XP"]})]},a.id)),n.students.pageInfo.hasNextPage&&e("li",{class:"hint",children:["and ",n.students.totalCount-Z," more"]})]})]})]},n.id))}),e(Me,{onCreated:r})]})}function Me({onCreated:s}){const t=J(ce,{first:100}),[r,n]=c(""),[a,o]=c([]),[l,i]=c({}),[u,p]=c(null);async function d(h){h.preventDefault(),p(null);try{const{createClass:m}=await L(Fe,{input:{name:r,courseIds:a}});i(k(m.errors)),m.class&&(n(""),o([]),s())}catch(m){p(m)}}return e("form",{class:"panel",onSubmit:d,noValidate:!0,children:[e("h2",{children:"New class"}),e(I,{form:"new-class",path:"name",label:"Class name",value:r,onInput:n,errors:l,maxLength:200}),e("fieldset",{children:[e("legend",{children:"Courses whose grades count (none: every course)"}),t.data?.courses.edges.map(({node:h})=>e("label",{class:"option",children:[e("input",{type:"checkbox",checked:a.includes(h.id),onChange:m=>o(m.currentTarget.checked?[...a,h.id]:a.filter(b=>b!==h.id))}),h.title]},h.id))]}),e(U,{errors:l,shown:["name"]}),e(x,{error:u??t.failure}),e("button",{type:"submit",children:"Create class"})]})}const Re=20,Ue=40,oe=4,Oe={LOW_MEAN:"low mean",DECLINING:"declining"};function ee(s,t=0){return s==null?"–":`${s.toFixed(t)}%`}function je(s){const t=[];s.facilityIndex>.9&&t.push("too easy"),s.facilityIndex<.2&&t.push("too hard");const r=s.discriminationIndex;return r!=null&&(r<0?t.push("negative discrimination"):r<.2&&t.push("weak discrimination")),t}function bt({id:s}){const{data:t,failure:r}=J(Le,{classId:s,atRiskFirst:Re}),n=t?.classAnalytics;return n?e("main",{class:"wide",children:[e("p",{children:e(B,{href:"/teach/classes",children:"← Classes"})}),e("h1",{children:[n.class.name,": analytics"]}),e("dl",{class:"figures",children:[e(O,{label:"Students",value:String(n.studentCount)}),e(O,{label:"With grades",value:String(n.gradedStudentCount)}),e(O,{label:"Mean",value:ee(n.mean,1)}),e(O,{label:"Median",value:ee(n.median,1)}),e(O,{label:"Std. deviation",value:n.standardDeviation?.toFixed(1)??"–"}),e(O,{label:"At risk",value:String(n.atRiskCount),warn:n.atRiskCount>0})]}),e("section",{children:[e("h2",{children:"Grade distribution"}),e("p",{class:"hint",children:"Students by their mean grade, in buckets of 10 points."}),e(Te,{buckets:n.histogram,label:"Students by mean grade"})]}),e(He,{classId:s,lessons:n.lessons}),e(_e,{students:n.atRiskStudents,total:n.atRiskCount}),e(Be,{items:n.items})]}):e("main",{class:"wide",children:[e(x,{error:r}),!r&&e("p",{children:"Loading…"})]})}function O({label:s,value:t,warn:r=!1}){return e("div",{class:r?"warn":"",children:[e("dt",{children:s}),e("dd",{children:t})]})}function He({classId:s,lessons:t}){const[r,n]=c(null),[a,o]=c(null),l=[...t].sort((i,u)=>i.lesson.position-u.lesson.position).map(i=>i.lesson.id);return V(()=>{let i=!0;return(async()=>{const{classes:u}=await L(ue,{studentsFirst:Math.min(Ue,Z)}),p=u.find(f=>f.id===s)?.students?.edges.map(f=>f.node)??[],d=[];for(let f=0;f<p.length&&i;f+=oe){const h=await Promise.all(p.slice(f,f+oe).map(m=>L(Se,{userId:m.id})));for(const{studentAnalytics:m}of h){const b=new Map(m.lessons.map(g=>[g.lesson.id,g.mean]));d.push({id:m.user.id,name:m.user.displayName,mean:m.mean??null,slopePerWeek:m.trend.slopePerWeek??null,lessonMeans:l.map(g=>b.get(g)??null)})}}i&&n(d)})().catch(u=>i&&o(u)),()=>{i=!1}},[s,l.join()]),e("section",{children:[e("h2",{children:"Trend per student"}),e("p",{class:"hint",children:"Each student's mean per lesson in course order, and how fast their grades rise or fall (least-squares slope, points per week); falling first."}),e(x,{error:a}),!r&&!a&&e("p",{children:"Loading…"}),r&&!r.length&&e("p",{children:"No students have joined yet."}),r&&r.length>0&&e(ke,{students:r})]})}function _e({students:s,total:t}){return e("section",{children:[e("h2",{children:"At risk"}),s.length?e("table",{class:"board","data-testid":"at-risk",children:[e("thead",{children:e("tr",{children:[e("th",{children:"Student"}),e("th",{children:"Why"}),e("th",{children:"Mean"}),e("th",{children:"Last 30 days"}),e("th",{children:"Grades"})]})}),e("tbody",{children:s.map(r=>e("tr",{children:[e("td",{children:r.user.displayName}),e("td",{children:r.reasons.map(n=>e("span",{class:"flag",children:Oe[n]??n},n))}),e("td",{children:ee(r.mean,1)}),e("td",{children:r.trend.change30Days===null||r.trend.change30Days===void 0?"–":`${r.trend.change30Days>=0?"+":""}${r.trend.change30Days.toFixed(1)} points`}),e("td",{children:r.count})]},r.user.id))})]}):e("p",{children:"No student is at risk."}),t>s.length&&e("p",{class:"hint",children:["The first ",s.length," of ",t,"."]})]})}function Be({items:s}){return e("section",{children:[e("h2",{children:"Item analysis"}),e("p",{class:"hint",children:"Facility: the mean score as a share of the maximum (how easy). Discrimination: how well the item separates stronger from weaker students (correlation with the rest of the test). Flagged: facility above 90% or below 20%, discrimination below 0.2."}),s.length?e("table",{class:"board items","data-testid":"items",children:[e("thead",{children:e("tr",{children:[e("th",{children:"Problem"}),e("th",{children:"Lesson"}),e("th",{children:"Attempts"}),e("th",{children:"Facility"}),e("th",{children:"Discrimination"}),e("th",{children:"Flags"})]})}),e("tbody",{children:s.map(t=>{const r=je(t);return e("tr",{class:r.length?"flagged":"",children:[e("td",{children:t.problem.prompt.length>90?`${t.problem.prompt.slice(0,89)}…`:t.problem.prompt}),e("td",{children:t.lesson.title}),e("td",{children:t.attempts}),e("td",{children:[e("svg",{class:"meter",viewBox:"0 0 100 8","aria-hidden":"true",children:[e("rect",{class:"meter-track",width:100,height:8}),e("rect",{width:Math.round(t.facilityIndex*100),height:8})]})," ",Math.round(t.facilityIndex*100),"%"]}),e("td",{children:t.discriminationIndex===null||t.discriminationIndex===void 0?"–":t.discriminationIndex.toFixed(2)}),e("td",{children:r.map(n=>e("span",{class:"flag",children:n},n))})]},t.problem.id)})})]}):e("p",{children:"No first attempts to analyse yet."})]})}const Je=y(`
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
`),qe=y(`
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
`),Ge=y(`
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
`),We=y(`
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
`),me=y(`
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
`);y(`
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
`);const Ve=y(`
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
`),ne=y(`
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
`),Xe=y(`
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
`),Ke=y(`
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
`),Qe=y(`
  query AuthoredLesson($id: ID!) {
    lesson(id: $id) {
      ...LessonFields
      problems {
        ...AuthoredProblemFields
      }
    }
  }
`);function gt(){const{data:s,failure:t}=J(ce,{first:100});return e("main",{class:"wide",children:[e("h1",{children:"Teaching: courses"}),e(x,{error:t}),!s&&!t&&e("p",{children:"Loading…"}),e("ul",{class:"cards",children:s?.courses.edges.map(({node:r})=>e("li",{children:[e("h2",{children:e(B,{href:`/teach/courses/${encodeURIComponent(r.id)}`,children:r.title})}),e("p",{class:"hint",children:r.slug})]},r.id))}),e(ze,{})]})}function ze(){const[s,t]=c(""),[r,n]=c(""),[a,o]=c(""),[l,i]=c({}),[u,p]=c(null),[d,f]=c(!1);async function h(b){b.preventDefault(),f(!0),p(null);try{const{createCourse:g}=await L(Je,{input:{slug:s,title:r,description:a}});i(k(g.errors)),g.course&&de(`/teach/courses/${encodeURIComponent(g.course.id)}`)}catch(g){p(g)}finally{f(!1)}}const m="new-course";return e("form",{class:"panel",onSubmit:h,noValidate:!0,children:[e("h2",{children:"New course"}),e(I,{form:m,path:"title",label:"Title",value:r,onInput:n,errors:l,maxLength:200}),e(I,{form:m,path:"slug",label:"Slug",hint:"a-z, 0-9 and -, as in statistics-101",value:s,onInput:t,errors:l,maxLength:100}),e(I,{form:m,path:"description",label:"Description",value:a,onInput:o,errors:l,maxLength:1e4,rows:3}),e(U,{errors:l,shown:["title","slug","description"]}),e(x,{error:u}),e("button",{type:"submit",disabled:d,children:"Create course"})]})}function yt({id:s}){const{data:t,failure:r,reload:n}=J(Ke,{id:s,lessonsFirst:100}),a=t?.course;return a?e("main",{class:"wide",children:[e("p",{children:e(B,{href:"/teach",children:"← Courses"})}),e("h1",{children:a.title}),e(Ye,{course:a}),e("h2",{children:"Lessons"}),e(Ze,{course:a,reload:n}),e(et,{courseId:a.id})]}):e("main",{class:"wide",children:[e(x,{error:r??(t?new Error("This course does not exist."):null)}),!t&&!r&&e("p",{children:"Loading…"})]})}function Ye({course:s}){const[t,r]=c(s.title),[n,a]=c(s.description),[o,l]=c({}),[i,u]=c(null),[p,d]=c(!1);V(()=>d(!1),[t,n]);async function f(m){m.preventDefault(),u(null);try{const{updateCourse:b}=await L(qe,{input:{id:s.id,title:t,description:n}});l(k(b.errors)),d(b.course!==null&&b.course!==void 0)}catch(b){u(b)}}const h="course";return e("form",{class:"panel",onSubmit:f,noValidate:!0,children:[e(I,{form:h,path:"title",label:"Title",value:t,onInput:r,errors:o,maxLength:200}),e(I,{form:h,path:"description",label:"Description",value:n,onInput:a,errors:o,maxLength:1e4,rows:3}),e(U,{errors:o,shown:["title","description"]}),e(x,{error:i}),e("button",{type:"submit",children:"Save course"})," ",p&&e("span",{role:"status",children:"Saved."})]})}function Ze({course:s,reload:t}){const[r,n]=c(null);async function a(l,i){n(null);try{const{publishLesson:u}=await L(me,{input:{id:l,published:i}});u.errors.length&&n(new Error(u.errors.map(p=>p.message).join(" "))),await t()}catch(u){n(u)}}const o=s.lessons.edges.map(l=>l.node);return e(te,{children:[e(x,{error:r}),!o.length&&e("p",{children:"No lessons yet."}),e("ol",{class:"lessons",children:o.map(l=>e("li",{children:[e(B,{href:`/teach/lessons/${encodeURIComponent(l.id)}`,children:l.title})," ",e("span",{class:`badge ${l.published?"done":""}`,children:l.published?"published":"draft"})," ",e("button",{type:"button",class:"link",onClick:()=>a(l.id,!l.published),children:l.published?"Unpublish":"Publish"})]},l.id))})]})}function et({courseId:s}){const[t,r]=c(""),[n,a]=c(""),[o,l]=c({}),[i,u]=c(null);async function p(f){f.preventDefault(),u(null);try{const{createLesson:h}=await L(Ge,{input:{courseId:s,title:t,body:n}});l(k(h.errors)),h.lesson&&de(`/teach/lessons/${encodeURIComponent(h.lesson.id)}`)}catch(h){u(h)}}const d="new-lesson";return e("form",{class:"panel",onSubmit:p,noValidate:!0,children:[e("h2",{children:"New lesson"}),e(I,{form:d,path:"title",label:"Lesson title",value:t,onInput:r,errors:o,maxLength:200}),e(I,{form:d,path:"body",label:"Lesson text",value:n,onInput:a,errors:o,maxLength:2e5,rows:6}),e(U,{errors:o,shown:["title","body"]}),e(x,{error:i}),e("button",{type:"submit",children:"Create lesson"})]})}const tt=y(`
  mutation GenerateProblems($input: GenerateProblemsInput!) {
    generateProblems(input: $input) {
      deduplicated
      job {
        ...JobFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`),nt=y(`
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) {
      ...JobFields
    }
  }
`);y(`
  query Job($id: ID!) {
    job(id: $id) {
      ...JobFields
    }
  }
`);y(`
  query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {
    jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...JobFields
        }
      }
    }
  }
`);const st=new Set(["SUCCEEDED","FAILED"]),R="generate";function rt({lessonId:s,onChanged:t}){const[r,n]=c(null),[a,o]=c("5"),[l,i]=c({}),[u,p]=c(null),[d,f]=c(null),[h,m]=c(!1),b=d!==null&&!st.has(d.status);Ee(nt,{jobId:d?.id??""},C=>f($=>$&&$.id===C.jobProgress.id?C.jobProgress:$),b),V(()=>{d?.status==="SUCCEEDED"&&t()},[d?.status]);async function g(C){if(C.preventDefault(),!r){i({document:"Choose a PDF with a text layer."});return}m(!0),p(null),f(null);try{const{generateProblems:$}=await ve(tt,{input:{lessonId:s,document:null,count:Number(a)||1}},{"input.document":r});i(k($.errors)),$.job&&f($.job)}catch($){p($)}finally{m(!1)}}return e("section",{class:"panel","data-testid":"generate",children:[e("h3",{children:"Generate problems from a PDF"}),e("form",{onSubmit:g,noValidate:!0,children:[e("div",{class:"field",children:[e("label",{for:`${R}-document`,children:"PDF (with a text layer)"}),e("input",{id:`${R}-document`,type:"file",accept:"application/pdf,.pdf","aria-invalid":l.document!==void 0,"aria-describedby":l.document?`${R}-document-error`:void 0,onChange:C=>n(C.currentTarget.files?.[0]??null)}),e(_,{errors:l,path:"document",form:R})]}),e("div",{class:"field",children:[e("label",{for:`${R}-count`,children:"How many problems"}),e("input",{id:`${R}-count`,type:"number",min:1,max:100,value:a,onInput:C=>o(C.currentTarget.value)}),e(_,{errors:l,path:"count",form:R})]}),e(U,{errors:l,shown:["document","count"]}),e(x,{error:u}),e("button",{type:"submit",disabled:h||b,children:"Generate"})]}),d&&e(it,{job:d,onPublished:t,onJob:f})]})}function it({job:s,onPublished:t,onJob:r}){const[n,a]=c(null),[o,l]=c(!1),i=Math.round(s.progress*100),u=s.problems.filter(d=>d.status==="DRAFT");async function p(d){l(!0),a(null);try{const f=new Set;for(const h of d){const{updateProblem:m}=await L(ne,{input:{id:h,status:"PUBLISHED"}});if(m.errors.length)throw new Error(m.errors.map(b=>b.message).join(" "));f.add(h)}r({...s,problems:s.problems.map(h=>f.has(h.id)?{...h,status:"PUBLISHED"}:h)}),t()}catch(f){a(f)}finally{l(!1)}}return e("div",{class:"job","data-testid":"job","data-status":s.status,children:[e("p",{children:[e("progress",{max:100,value:i,"aria-label":"Generation progress","data-testid":"job-progress"})," ",i,"% ·"," ",e("strong",{"data-testid":"job-status",children:s.status.toLowerCase()}),s.status==="SUCCEEDED"&&` · ${s.problems.length} of ${s.requestedCount??"?"} made${s.rejectedCount?`, ${s.rejectedCount} dropped`:""}`]}),s.error&&e("p",{class:"failure",children:s.error}),s.problems.length>0&&e("ul",{class:"drafts",children:s.problems.map(d=>e("li",{"data-testid":"generated-problem","data-status":d.status,children:[e("span",{class:`badge ${d.status==="PUBLISHED"?"done":""}`,children:d.status.toLowerCase()})," ",d.prompt," ",d.status==="DRAFT"&&e("button",{type:"button",class:"link",disabled:o,onClick:()=>p([d.id]),children:"Publish"})]},d.id))}),u.length>1&&e("button",{type:"button",disabled:o,onClick:()=>p(u.map(d=>d.id)),children:["Publish all ",u.length," drafts"]}),e(x,{error:n})]})}const at=`[
  {"id": "stats-01", "type": "mcq", "question": "Which are measures of spread?",
   "options": ["Variance", "Mode", "Interquartile range"], "answer": ["Variance", "Interquartile range"]},
  {"id": "stats-02", "type": "numeric", "question": "Median of 1, 3 and 8?", "answer": 3, "tolerance": 0}
]`;function ot(s){const t=s.indexOf("items");if(t<0||t+1>=s.length)return null;const r=Number(s[t+1]);return Number.isInteger(r)?{index:r,key:s.slice(t+2).join(".")}:null}function lt(s){if(s&&typeof s=="object"){const r=s,n=typeof r.id=="string"?`${r.id}: `:"";if(typeof r.question=="string")return`${n}${r.question}`}const t=JSON.stringify(s)??String(s);return t.length>120?`${t.slice(0,117)}…`:t}function ct({lessonId:s,onImported:t}){const[r,n]=c(""),[a,o]=c(null),[l,i]=c(null),[u,p]=c([]),[d,f]=c(null),[h,m]=c(null),[b,g]=c(!1);async function C(w){w.preventDefault();let T;try{T=JSON.parse(r)}catch(E){o(`This is not JSON: ${E.message}`);return}if(!Array.isArray(T)){o("Expected a JSON list of items: [ {...}, {...} ].");return}o(null),g(!0),m(null);try{const{importProblems:E}=await L(Xe,{input:{lessonId:s,items:T}}),q=T.map(N=>({item:N,errors:[]})),G=[];for(const N of E.errors){const D=ot(N.field??[]);D&&q[D.index]?q[D.index].errors.push(D.key?`${D.key}: ${N.message}`:N.message):G.push(N.message)}i(q),p(G),f({created:E.created.length,updated:E.updated.length}),(E.created.length||E.updated.length)&&t()}catch(E){m(E)}finally{g(!1)}}const $=l?.filter(w=>w.errors.length).length??0;return e("form",{class:"panel",onSubmit:C,noValidate:!0,"data-testid":"import",children:[e("h3",{children:"Import problems from JSON"}),e("label",{for:"import-json",children:"Items (a JSON list; see the example)"}),e("textarea",{id:"import-json",rows:8,maxLength:5e6,placeholder:at,value:r,"aria-invalid":a!==null,"aria-describedby":a?"import-json-error":void 0,onInput:w=>n(w.currentTarget.value)}),a&&e("span",{class:"field-error",id:"import-json-error",role:"alert",children:a}),e(x,{error:h}),e("button",{type:"submit",disabled:b,children:"Import"}),d&&e("p",{role:"status","data-testid":"import-summary",children:[d.created," created, ",d.updated," updated",$?`, ${$} refused: fix ${$===1?"it":"them"} below and import again`:"","."]}),u.length>0&&e("ul",{class:"field-error",role:"alert",children:u.map(w=>e("li",{children:w},w))}),l&&e("ol",{class:"import-items",start:0,children:l.map((w,T)=>e("li",{class:w.errors.length?"refused":"imported","data-testid":"import-item","data-index":T,children:[e("span",{children:lt(w.item)})," ",w.errors.length?e("ul",{class:"field-error",role:"alert",children:w.errors.map(E=>e("li",{children:E},E))}):e("span",{class:"badge done",children:"imported"})]},T))})]})}const dt=[["SINGLE_CHOICE","Single choice"],["MULTIPLE_CHOICE","Multiple choice"],["NUMERIC","Number"],["SHORT_TEXT","Short text"],["FREE_TEXT","Free text (graded later)"]];function le(s){return s.split(`
`).map(t=>t.trim()).filter(Boolean)}function fe({lessonId:s,problem:t,onSaved:r}){const n=t?`problem-${t.id}`:"new-problem",[a,o]=c(t?.kind??"SINGLE_CHOICE"),[l,i]=c(t?.prompt??""),[u,p]=c(t?.explanation??""),[d,f]=c(String(t?.difficulty??1)),[h,m]=c(t?.options.map(v=>({text:v.text,correct:v.correct??!1}))??[{text:"",correct:!0},{text:"",correct:!1}]),[b,g]=c(String(t?.solution?.number??"")),[C,$]=c(String(t?.solution?.tolerance??"0")),[w,T]=c((t?.solution?.acceptedAnswers??[]).join(`
`)),[E,q]=c(t?.solution?.referenceAnswer??""),[G,N]=c((t?.solution?.rubric??[]).join(`
`)),[D,be]=c((t?.tags??[]).join(", ")),[F,se]=c({}),[ge,re]=c(null),[ye,ie]=c(!1),ae=a==="SINGLE_CHOICE"||a==="MULTIPLE_CHOICE";function Ie(){if(ae)return{options:h};if(a==="NUMERIC"){const v=Number(b.replace(",","."));return{numericAnswer:b.trim()===""||!Number.isFinite(v)?null:v,tolerance:Number(C.replace(",","."))||0}}return a==="SHORT_TEXT"?{acceptedAnswers:le(w)}:{referenceAnswer:E||null,rubric:le(G)}}async function Ce(v){v.preventDefault();const S={prompt:l,explanation:u,difficulty:Number(d)||1,tags:D.split(",").map(P=>P.trim()).filter(Boolean),...Ie()};if(a==="NUMERIC"&&S.numericAnswer===null){se({numericAnswer:"Enter the answer as a number, such as 42 or 3.5."});return}ie(!0),re(null);try{const P=t?(await L(ne,{input:{id:t.id,...S}})).updateProblem:(await L(Ve,{input:{lessonId:s,kind:a,...S}})).createProblem;se(k(P.errors)),P.problem&&r()}catch(P){re(P)}finally{ie(!1)}}const xe=["kind","prompt","explanation","difficulty","options","numericAnswer","tolerance","acceptedAnswers","referenceAnswer","rubric","tags"];return e("form",{class:"panel problem-form",onSubmit:Ce,noValidate:!0,children:[!t&&e("div",{class:"field",children:[e("label",{for:`${n}-kind`,children:"Kind"}),e("select",{id:`${n}-kind`,value:a,onChange:v=>o(v.currentTarget.value),children:dt.map(([v,S])=>e("option",{value:v,children:S},v))})]}),e(I,{form:n,path:"prompt",label:"Prompt",value:l,onInput:i,errors:F,maxLength:1e4,rows:2}),ae&&e("fieldset",{children:[e("legend",{children:["Options (tick the correct ",a==="SINGLE_CHOICE"?"one":"ones",")"]}),h.map((v,S)=>e("div",{class:"option-row",children:[e("input",{type:"checkbox","aria-label":`Option ${S+1} is correct`,checked:v.correct,onChange:P=>{const M=P.currentTarget.checked;m(h.map((W,we)=>we===S?{...W,correct:M}:a==="SINGLE_CHOICE"&&M?{...W,correct:!1}:W))}}),e("input",{"aria-label":`Option ${S+1}`,maxLength:1e4,value:v.text,onInput:P=>m(h.map((M,W)=>W===S?{...M,text:P.currentTarget.value}:M))}),e("button",{type:"button",class:"link",onClick:()=>m(h.filter((P,M)=>M!==S)),children:"Remove"}),e(_,{errors:F,path:`options.${S}`,form:n}),e(_,{errors:F,path:`options.${S}.text`,form:n})]},S)),e("button",{type:"button",class:"link",onClick:()=>m([...h,{text:"",correct:!1}]),children:"Add an option"}),e(_,{errors:F,path:"options",form:n})]}),a==="NUMERIC"&&e("div",{class:"row",children:[e(I,{form:n,path:"numericAnswer",label:"Answer",numeric:!0,value:b,onInput:g,errors:F,maxLength:40}),e(I,{form:n,path:"tolerance",label:"Tolerance (±)",numeric:!0,value:C,onInput:$,errors:F,maxLength:40})]}),a==="SHORT_TEXT"&&e(I,{form:n,path:"acceptedAnswers",label:"Accepted answers, one a line",value:w,onInput:T,errors:F,maxLength:1e5,rows:3}),a==="FREE_TEXT"&&e(te,{children:[e(I,{form:n,path:"referenceAnswer",label:"Reference answer",value:E,onInput:q,errors:F,maxLength:1e4,rows:3}),e(I,{form:n,path:"rubric",label:"Rubric, one point a line",value:G,onInput:N,errors:F,maxLength:1e5,rows:3})]}),e(I,{form:n,path:"explanation",label:"Explanation (shown after answering)",value:u,onInput:p,errors:F,maxLength:1e4,rows:2}),e("div",{class:"row",children:[e(I,{form:n,path:"difficulty",label:"Difficulty (1-5)",numeric:!0,value:d,onInput:f,errors:F,maxLength:1}),e(I,{form:n,path:"tags",label:"Tags, comma-separated",value:D,onInput:be,errors:F,maxLength:2e3})]}),e(U,{errors:F,shown:xe}),e(x,{error:ge}),e("button",{type:"submit",disabled:ye,children:t?"Save problem":"Add problem"})]})}const ut={SINGLE_CHOICE:"single choice",MULTIPLE_CHOICE:"multiple choice",NUMERIC:"number",SHORT_TEXT:"short text",FREE_TEXT:"free text"};function It({id:s}){const{data:t,failure:r,reload:n}=J(Qe,{id:s}),a=t?.lesson;return a?e("main",{class:"wide",children:[e("p",{children:e(B,{href:`/teach/courses/${encodeURIComponent(a.course.id)}`,children:["← ",a.course.title]})}),e("h1",{children:a.title}),e(ht,{lesson:a,reload:n},a.id),e("h2",{children:"Problems"}),e(pt,{lesson:a,reload:n}),e("details",{class:"panel",children:[e("summary",{children:"Add a problem"}),e(fe,{lessonId:a.id,onSaved:n},a.problems.length)]}),e(ct,{lessonId:a.id,onImported:n}),e(rt,{lessonId:a.id,onChanged:n})]}):e("main",{class:"wide",children:[e(x,{error:r??(t?new Error("This lesson does not exist."):null)}),!t&&!r&&e("p",{children:"Loading…"})]})}function ht({lesson:s,reload:t}){const[r,n]=c(s.title),[a,o]=c(s.body),[l,i]=c({}),[u,p]=c(null),[d,f]=c(!1);V(()=>f(!1),[r,a]);async function h(g){g.preventDefault(),p(null);try{const{updateLesson:C}=await L(We,{input:{id:s.id,title:r,body:a}});i(k(C.errors)),C.lesson&&(f(!0),await t())}catch(C){p(C)}}async function m(){p(null);try{const{publishLesson:g}=await L(me,{input:{id:s.id,published:!s.published}});i(k(g.errors)),await t()}catch(g){p(g)}}const b="lesson";return e("form",{class:"panel",onSubmit:h,noValidate:!0,children:[e("p",{children:[e("span",{class:`badge ${s.published?"done":""}`,"data-testid":"lesson-status",children:s.published?"published":"draft: learners do not see it"})," ",e("button",{type:"button",class:"link",onClick:m,children:s.published?"Unpublish":"Publish lesson"})]}),e(I,{form:b,path:"title",label:"Lesson title",value:r,onInput:n,errors:l,maxLength:200}),e(I,{form:b,path:"body",label:"Lesson text",value:a,onInput:o,errors:l,maxLength:2e5,rows:8}),e(U,{errors:l,shown:["title","body"]}),e(x,{error:u}),e("button",{type:"submit",children:"Save lesson"})," ",d&&e("span",{role:"status",children:"Saved."})]})}function pt({lesson:s,reload:t}){const[r,n]=c(null),[a,o]=c(null);async function l(i){o(null);try{const{updateProblem:u}=await L(ne,{input:{id:i,status:"PUBLISHED"}});u.errors.length&&o(new Error(u.errors.map(p=>p.message).join(" "))),await t()}catch(u){o(u)}}return s.problems.length?e(te,{children:[e(x,{error:a}),e("ol",{class:"problems authored",children:s.problems.map(i=>e("li",{class:"problem","data-testid":"authored-problem","data-status":i.status,children:[e("p",{children:[e("span",{class:`badge ${i.status==="PUBLISHED"?"done":""}`,children:i.status.toLowerCase()})," ",e("span",{class:"hint",children:[ut[i.kind]??i.kind," · difficulty ",i.difficulty,i.externalId?` · ${i.externalId}`:""]})]}),e("p",{class:"prompt",children:i.prompt}),i.status==="DRAFT"&&e("button",{type:"button",onClick:()=>l(i.id),children:"Publish"})," ",e("button",{type:"button",class:"link",onClick:()=>n(r===i.id?null:i.id),children:r===i.id?"Close":"Edit"}),r===i.id&&e(fe,{lessonId:s.id,problem:i,onSaved:()=>{n(null),t()}})]},i.id))})]}):e("p",{children:"No problems yet: add one, import some or generate them below."})}export{bt as Analytics,gt as Authoring,ft as Classes,yt as CourseEditor,It as LessonEditor};
