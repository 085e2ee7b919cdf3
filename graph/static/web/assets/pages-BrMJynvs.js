import{g as I,a as e,d as c,b as Ee,A as J,r as E,F as $,L as B,C as de,n as ue,$ as te,u as ve,c as Le}from"./index-DC_lEAAU.js";I(`
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
`);const Se=I(`
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
`),Fe=I(`
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
`),Pe=I(`
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
`),he=I(`
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
`),K=640,z=240,X=36,Ae=28,Y=18;function Ne(t){const n=Math.max(1,Math.ceil(t/4)),r=[];for(let s=0;s<=t;s+=n)r.push(s);return r}function Te({buckets:t,label:n}){const r=Math.max(1,...t.map(i=>i.count)),s=z-Y-Ae,a=(K-X)/Math.max(1,t.length),o=i=>Y+s-i/r*s,l=t.reduce((i,u)=>i+u.count,0);return e("svg",{class:"chart histogram",viewBox:`0 0 ${K} ${z}`,role:"img","aria-label":`${n}: ${t.map(i=>`${i.lower}-${i.upper}%: ${i.count}`).join(", ")}`,"data-testid":"histogram","data-total":l,children:[Ne(r).map(i=>e("g",{children:[e("line",{class:"grid",x1:X,x2:K,y1:o(i),y2:o(i)}),e("text",{class:"axis",x:X-6,y:o(i)+4,"text-anchor":"end",children:i})]},i)),t.map((i,u)=>{const p=X+u*a+3,d=o(i.count),f=i.upper<=50;return e("g",{"data-testid":"histogram-bar","data-count":i.count,children:[e("rect",{class:`bar ${f?"low":""}`,x:p,y:d,width:a-6,height:Y+s-d,children:e("title",{children:[i.lower,"–",i.upper,"%: ",i.count," student",i.count===1?"":"s"]})}),i.count>0&&e("text",{class:"value",x:p+(a-6)/2,y:d-4,"text-anchor":"middle",children:i.count}),e("text",{class:"axis",x:p+(a-6)/2,y:z-10,"text-anchor":"middle",children:[i.lower,"–",i.upper]})]},i.lower)})]})}const A=30,j=170,H=220,pe=24,Q=200,De=j+H+pe+Q+60;function ke(t){const n=t.length>1?H/(t.length-1):0;let r="",s=!1;return t.forEach((a,o)=>{if(a===null){s=!1;return}const l=j+o*n,i=A-4-a/100*(A-8);r+=`${s?"L":"M"}${l.toFixed(1)},${i.toFixed(1)}`,s=!0}),r}function Me({students:t}){const n=[...t].sort((o,l)=>(o.slopePerWeek??0)-(l.slopePerWeek??0)),r=Math.max(5,...n.map(o=>Math.abs(o.slopePerWeek??0))),s=j+H+pe+Q/2,a=A*(n.length+1);return e("svg",{class:"chart trends",viewBox:`0 0 ${De} ${a}`,role:"img","aria-label":"Trend per student","data-testid":"trends",children:[e("text",{class:"axis",x:j,y:14,children:"mean per lesson (0–100%)"}),e("text",{class:"axis",x:s,y:14,"text-anchor":"middle",children:"points per week"}),e("line",{class:"zero",x1:s,x2:s,y1:A-6,y2:a}),n.map((o,l)=>{const i=o.slopePerWeek,u=i===null?0:Math.abs(i)/r*(Q/2);return e("g",{transform:`translate(0 ${A*(l+1)})`,"data-testid":"trend-row",children:[e("text",{x:0,y:A/2+4,class:"label",children:o.name.length>22?`${o.name.slice(0,21)}…`:o.name}),e("rect",{class:"spark-band",x:j,y:4,width:H,height:A-8}),o.lessonMeans.map((p,d)=>p===null?null:e("circle",{class:"spark-dot",cx:j+(o.lessonMeans.length>1?d*H/(o.lessonMeans.length-1):H/2),cy:A-4-p/100*(A-8),r:2.5},d)),e("path",{class:"spark",d:ke(o.lessonMeans)}),i!==null&&e("rect",{class:`slope ${i<0?"falling":"rising"}`,x:i<0?s-u:s,y:8,width:Math.max(1,u),height:A-16,children:e("title",{children:[o.name,": ",i>=0?"+":"",i.toFixed(1)," points per week"]})}),e("text",{class:"value",x:s+Q/2+8,y:A/2+4,children:i===null?"–":`${i>=0?"+":""}${i.toFixed(1)}`})]},o.id)})]})}function k(t){const n={};for(const r of t){const s=r.field??[],a=(s[0]==="input"?s.slice(1):s).join(".");n[a]=n[a]?`${n[a]} ${r.message}`:r.message}return n}function me(t,n){return`${t}-${n.replace(/\./g,"-")}`}function _({errors:t,path:n,form:r}){const s=t[n];return s?e("span",{class:"field-error",id:`${me(r,n)}-error`,role:"alert",children:s}):null}function U({errors:t,shown:n}){const r=Object.entries(t).filter(([s])=>!n.some(a=>s===a||s.startsWith(`${a}.`)));return r.length?e("ul",{class:"field-error",role:"alert",children:r.map(([s,a])=>e("li",{children:s?`${s}: ${a}`:a},s))}):null}function x({form:t,path:n,label:r,value:s,onInput:a,errors:o,maxLength:l,rows:i,numeric:u=!1,hint:p}){const d=me(t,n),f=o[n]!==void 0,h={id:d,name:n,value:s,maxLength:l,"aria-invalid":f,"aria-describedby":f?`${d}-error`:void 0};return e("div",{class:"field",children:[e("label",{for:d,children:r}),p&&e("span",{class:"hint",children:p}),i?e("textarea",{...h,rows:i,onInput:m=>a(m.currentTarget.value)}):e("input",{...h,inputMode:u?"decimal":void 0,onInput:m=>a(m.currentTarget.value)}),e(_,{errors:o,path:n,form:t})]})}function G(t,n){const[r,s]=c(null),[a,o]=c(null),l=JSON.stringify(n),i=Ee(()=>E(t,n).then(u=>{o(null),s(u)},u=>o(u)),[t,l]);return J(()=>{s(null),i()},[i]),{data:r,failure:a,reload:i}}const Z=100;function gt(){const{data:t,failure:n,reload:r}=G(he,{studentsFirst:Z});return e("main",{class:"wide",children:[e("h1",{children:"Classes"}),e($,{error:n}),!t&&!n&&e("p",{children:"Loading…"}),t&&!t.classes.length&&e("p",{children:"No classes yet: create one below and give its join code to your learners."}),e("ul",{class:"cards",children:t?.classes.map(s=>e("li",{"data-testid":"class",children:[e("h2",{children:s.name}),e("p",{children:["Join code ",e("code",{class:"join-code","data-testid":"join-code",children:s.joinCode})," ·"," ",s.studentCount," student",s.studentCount===1?"":"s"," ·"," ",e(B,{href:`/teach/classes/${encodeURIComponent(s.id)}`,children:"Analytics"})]}),e("p",{class:"hint",children:s.courses.length?`Courses: ${s.courses.map(a=>a.title).join(", ")}`:"Every course counts"}),s.students&&s.students.edges.length>0&&e("details",{children:[e("summary",{children:"Members"}),e("ul",{"data-testid":"members",children:[s.students.edges.map(({node:a})=>e("li",{children:[a.displayName," ",e("span",{class:"hint",children:[a.xp," XP"]})]},a.id)),s.students.pageInfo.hasNextPage&&e("li",{class:"hint",children:["and ",s.students.totalCount-Z," more"]})]})]})]},s.id))}),e(Re,{onCreated:r})]})}function Re({onCreated:t}){const n=G(de,{first:100}),[r,s]=c(""),[a,o]=c([]),[l,i]=c({}),[u,p]=c(null);async function d(h){h.preventDefault(),p(null);try{const{createClass:m}=await E(Pe,{input:{name:r,courseIds:a}});i(k(m.errors)),m.class&&(s(""),o([]),t())}catch(m){p(m)}}return e("form",{class:"panel",onSubmit:d,noValidate:!0,children:[e("h2",{children:"New class"}),e(x,{form:"new-class",path:"name",label:"Class name",value:r,onInput:s,errors:l,maxLength:200}),e("fieldset",{children:[e("legend",{children:"Courses whose grades count (none: every course)"}),n.data?.courses.edges.map(({node:h})=>e("label",{class:"option",children:[e("input",{type:"checkbox",checked:a.includes(h.id),onChange:m=>o(m.currentTarget.checked?[...a,h.id]:a.filter(b=>b!==h.id))}),h.title]},h.id))]}),e(U,{errors:l,shown:["name"]}),e($,{error:u??n.failure}),e("button",{type:"submit",children:"Create class"})]})}const Ue=20,Oe=40,oe=4,je={LOW_MEAN:"low mean",DECLINING:"declining"};function ee(t,n=0){return t==null?"–":`${t.toFixed(n)}%`}function He(t){const n=[];t.facilityIndex>.9&&n.push("too easy"),t.facilityIndex<.2&&n.push("too hard");const r=t.discriminationIndex;return r!=null&&(r<0?n.push("negative discrimination"):r<.2&&n.push("weak discrimination")),n}function yt({id:t}){const{data:n,failure:r}=G(Se,{classId:t,atRiskFirst:Ue}),s=n?.classAnalytics;return s?e("main",{class:"wide",children:[e("p",{children:e(B,{href:"/teach/classes",children:"← Classes"})}),e("h1",{children:[s.class.name,": analytics"]}),e("dl",{class:"figures",children:[e(O,{label:"Students",value:String(s.studentCount)}),e(O,{label:"With grades",value:String(s.gradedStudentCount)}),e(O,{label:"Mean",value:ee(s.mean,1)}),e(O,{label:"Median",value:ee(s.median,1)}),e(O,{label:"Std. deviation",value:s.standardDeviation?.toFixed(1)??"–"}),e(O,{label:"At risk",value:String(s.atRiskCount),warn:s.atRiskCount>0})]}),e("section",{children:[e("h2",{children:"Grade distribution"}),e("p",{class:"hint",children:"Students by their mean grade, in buckets of 10 points."}),e(Te,{buckets:s.histogram,label:"Students by mean grade"})]}),e(_e,{classId:t,lessons:s.lessons}),e(Je,{students:s.atRiskStudents,total:s.atRiskCount}),e(Be,{items:s.items})]}):e("main",{class:"wide",children:[e($,{error:r}),!r&&e("p",{children:"Loading…"})]})}function O({label:t,value:n,warn:r=!1}){return e("div",{class:r?"warn":"",children:[e("dt",{children:t}),e("dd",{children:n})]})}function _e({classId:t,lessons:n}){const[r,s]=c(null),[a,o]=c(null),l=[...n].sort((i,u)=>i.lesson.position-u.lesson.position).map(i=>i.lesson.id);return J(()=>{let i=!0;return(async()=>{const{classes:u}=await E(he,{studentsFirst:Math.min(Oe,Z)}),p=u.find(f=>f.id===t)?.students?.edges.map(f=>f.node)??[],d=[];for(let f=0;f<p.length&&i;f+=oe){const h=await Promise.all(p.slice(f,f+oe).map(m=>E(Fe,{userId:m.id})));for(const{studentAnalytics:m}of h){const b=new Map(m.lessons.map(g=>[g.lesson.id,g.mean]));d.push({id:m.user.id,name:m.user.displayName,mean:m.mean??null,slopePerWeek:m.trend.slopePerWeek??null,lessonMeans:l.map(g=>b.get(g)??null)})}}i&&s(d)})().catch(u=>i&&o(u)),()=>{i=!1}},[t,l.join()]),e("section",{children:[e("h2",{children:"Trend per student"}),e("p",{class:"hint",children:"Each student's mean per lesson in course order, and how fast their grades rise or fall (least-squares slope, points per week); falling first."}),e($,{error:a}),!r&&!a&&e("p",{children:"Loading…"}),r&&!r.length&&e("p",{children:"No students have joined yet."}),r&&r.length>0&&e(Me,{students:r})]})}function Je({students:t,total:n}){return e("section",{children:[e("h2",{children:"At risk"}),t.length?e("table",{class:"board","data-testid":"at-risk",children:[e("thead",{children:e("tr",{children:[e("th",{children:"Student"}),e("th",{children:"Why"}),e("th",{children:"Mean"}),e("th",{children:"Last 30 days"}),e("th",{children:"Grades"})]})}),e("tbody",{children:t.map(r=>e("tr",{children:[e("td",{children:r.user.displayName}),e("td",{children:r.reasons.map(s=>e("span",{class:"flag",children:je[s]??s},s))}),e("td",{children:ee(r.mean,1)}),e("td",{children:r.trend.change30Days===null||r.trend.change30Days===void 0?"–":`${r.trend.change30Days>=0?"+":""}${r.trend.change30Days.toFixed(1)} points`}),e("td",{children:r.count})]},r.user.id))})]}):e("p",{children:"No student is at risk."}),n>t.length&&e("p",{class:"hint",children:["The first ",t.length," of ",n,"."]})]})}function Be({items:t}){return e("section",{children:[e("h2",{children:"Item analysis"}),e("p",{class:"hint",children:"Facility: the mean score as a share of the maximum (how easy). Discrimination: how well the item separates stronger from weaker students (correlation with the rest of the test). Flagged: facility above 90% or below 20%, discrimination below 0.2."}),t.length?e("table",{class:"board items","data-testid":"items",children:[e("thead",{children:e("tr",{children:[e("th",{children:"Problem"}),e("th",{children:"Lesson"}),e("th",{children:"Attempts"}),e("th",{children:"Facility"}),e("th",{children:"Discrimination"}),e("th",{children:"Flags"})]})}),e("tbody",{children:t.map(n=>{const r=He(n);return e("tr",{class:r.length?"flagged":"",children:[e("td",{children:n.problem.prompt.length>90?`${n.problem.prompt.slice(0,89)}…`:n.problem.prompt}),e("td",{children:n.lesson.title}),e("td",{children:n.attempts}),e("td",{children:[e("svg",{class:"meter",viewBox:"0 0 100 8","aria-hidden":"true",children:[e("rect",{class:"meter-track",width:100,height:8}),e("rect",{width:Math.round(n.facilityIndex*100),height:8})]})," ",Math.round(n.facilityIndex*100),"%"]}),e("td",{children:n.discriminationIndex===null||n.discriminationIndex===void 0?"–":n.discriminationIndex.toFixed(2)}),e("td",{children:r.map(s=>e("span",{class:"flag",children:s},s))})]},n.problem.id)})})]}):e("p",{children:"No first attempts to analyse yet."})]})}const Ge=I(`
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
`),We=I(`
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
`),qe=I(`
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
`),Ve=I(`
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
`),fe=I(`
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
`);I(`
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
`);const Xe=I(`
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
`),ne=I(`
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
`),Qe=I(`
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
`),Ke=I(`
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
`),ze=I(`
  query AuthoredLesson($id: ID!) {
    lesson(id: $id) {
      ...LessonFields
      problems {
        ...AuthoredProblemFields
      }
    }
  }
`);function It(){const{data:t,failure:n}=G(de,{first:100});return e("main",{class:"wide",children:[e("h1",{children:"Teaching: courses"}),e($,{error:n}),!t&&!n&&e("p",{children:"Loading…"}),e("ul",{class:"cards",children:t?.courses.edges.map(({node:r})=>e("li",{children:[e("h2",{children:e(B,{href:`/teach/courses/${encodeURIComponent(r.id)}`,children:r.title})}),e("p",{class:"hint",children:r.slug})]},r.id))}),e(Ye,{})]})}function Ye(){const[t,n]=c(""),[r,s]=c(""),[a,o]=c(""),[l,i]=c({}),[u,p]=c(null),[d,f]=c(!1);async function h(b){b.preventDefault(),f(!0),p(null);try{const{createCourse:g}=await E(Ge,{input:{slug:t,title:r,description:a}});i(k(g.errors)),g.course&&ue(`/teach/courses/${encodeURIComponent(g.course.id)}`)}catch(g){p(g)}finally{f(!1)}}const m="new-course";return e("form",{class:"panel",onSubmit:h,noValidate:!0,children:[e("h2",{children:"New course"}),e(x,{form:m,path:"title",label:"Title",value:r,onInput:s,errors:l,maxLength:200}),e(x,{form:m,path:"slug",label:"Slug",hint:"a-z, 0-9 and -, as in statistics-101",value:t,onInput:n,errors:l,maxLength:100}),e(x,{form:m,path:"description",label:"Description",value:a,onInput:o,errors:l,maxLength:1e4,rows:3}),e(U,{errors:l,shown:["title","slug","description"]}),e($,{error:u}),e("button",{type:"submit",disabled:d,children:"Create course"})]})}const Ze=100;function Ct({id:t}){const{data:n,failure:r,reload:s}=G(Ke,{id:t,lessonsFirst:Ze}),a=n?.course;return a?e("main",{class:"wide",children:[e("p",{children:e(B,{href:"/teach",children:"← Courses"})}),e("h1",{children:a.title}),e(et,{course:a}),e("h2",{children:"Lessons"}),e(tt,{course:a,reload:s}),e(nt,{courseId:a.id})]}):e("main",{class:"wide",children:[e($,{error:r??(n?new Error("This course does not exist."):null)}),!n&&!r&&e("p",{children:"Loading…"})]})}function et({course:t}){const[n,r]=c(t.title),[s,a]=c(t.description),[o,l]=c({}),[i,u]=c(null),[p,d]=c(!1);J(()=>d(!1),[n,s]);async function f(m){m.preventDefault(),u(null);try{const{updateCourse:b}=await E(We,{input:{id:t.id,title:n,description:s}});l(k(b.errors)),d(b.course!==null&&b.course!==void 0)}catch(b){u(b)}}const h="course";return e("form",{class:"panel",onSubmit:f,noValidate:!0,children:[e(x,{form:h,path:"title",label:"Title",value:n,onInput:r,errors:o,maxLength:200}),e(x,{form:h,path:"description",label:"Description",value:s,onInput:a,errors:o,maxLength:1e4,rows:3}),e(U,{errors:o,shown:["title","description"]}),e($,{error:i}),e("button",{type:"submit",children:"Save course"})," ",p&&e("span",{role:"status",children:"Saved."})]})}function tt({course:t,reload:n}){const[r,s]=c(null);async function a(l,i){s(null);try{const{publishLesson:u}=await E(fe,{input:{id:l,published:i}});u.errors.length&&s(new Error(u.errors.map(p=>p.message).join(" "))),await n()}catch(u){s(u)}}const o=t.lessons.edges.map(l=>l.node);return e(te,{children:[e($,{error:r}),!o.length&&e("p",{children:"No lessons yet."}),e("ol",{class:"lessons",children:o.map(l=>e("li",{children:[e(B,{href:`/teach/lessons/${encodeURIComponent(l.id)}`,children:l.title})," ",e("span",{class:`badge ${l.published?"done":""}`,children:l.published?"published":"draft"})," ",e("button",{type:"button",class:"link",onClick:()=>a(l.id,!l.published),children:l.published?"Unpublish":"Publish"})]},l.id))}),t.lessons.totalCount>o.length&&e("p",{class:"hint",children:["The first ",o.length," of ",t.lessons.totalCount," lessons."]})]})}function nt({courseId:t}){const[n,r]=c(""),[s,a]=c(""),[o,l]=c({}),[i,u]=c(null);async function p(f){f.preventDefault(),u(null);try{const{createLesson:h}=await E(qe,{input:{courseId:t,title:n,body:s}});l(k(h.errors)),h.lesson&&ue(`/teach/lessons/${encodeURIComponent(h.lesson.id)}`)}catch(h){u(h)}}const d="new-lesson";return e("form",{class:"panel",onSubmit:p,noValidate:!0,children:[e("h2",{children:"New lesson"}),e(x,{form:d,path:"title",label:"Lesson title",value:n,onInput:r,errors:o,maxLength:200}),e(x,{form:d,path:"body",label:"Lesson text",value:s,onInput:a,errors:o,maxLength:2e5,rows:6}),e(U,{errors:o,shown:["title","body"]}),e($,{error:i}),e("button",{type:"submit",children:"Create lesson"})]})}const st=I(`
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
`),rt=I(`
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) {
      ...JobFields
    }
  }
`);I(`
  query Job($id: ID!) {
    job(id: $id) {
      ...JobFields
    }
  }
`);const it=I(`
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
`),le=new Set(["SUCCEEDED","FAILED"]),R="generate";function at({lessonId:t,onChanged:n}){const[r,s]=c(null),[a,o]=c("5"),[l,i]=c({}),[u,p]=c(null),[d,f]=c(null),[h,m]=c(!1),b=d!==null&&!le.has(d.status);ve(rt,{jobId:d?.id??""},y=>f(C=>C&&C.id===y.jobProgress.id?y.jobProgress:C),b),J(()=>{d?.status==="SUCCEEDED"&&n()},[d?.status]),J(()=>{E(it,{lessonId:t,kind:"GENERATION",first:1}).then(y=>{const C=y.jobs.edges[0]?.node;C&&!le.has(C.status)&&f(w=>w??C)},p)},[t]);async function g(y){if(y.preventDefault(),!r){i({document:"Choose a PDF with a text layer."});return}m(!0),p(null),f(null);try{const{generateProblems:C}=await Le(st,{input:{lessonId:t,document:null,count:Number(a)||1}},{"input.document":r});i(k(C.errors)),C.job&&f(C.job)}catch(C){p(C)}finally{m(!1)}}return e("section",{class:"panel","data-testid":"generate",children:[e("h3",{children:"Generate problems from a PDF"}),e("form",{onSubmit:g,noValidate:!0,children:[e("div",{class:"field",children:[e("label",{for:`${R}-document`,children:"PDF (with a text layer)"}),e("input",{id:`${R}-document`,type:"file",accept:"application/pdf,.pdf","aria-invalid":l.document!==void 0,"aria-describedby":l.document?`${R}-document-error`:void 0,onChange:y=>s(y.currentTarget.files?.[0]??null)}),e(_,{errors:l,path:"document",form:R})]}),e("div",{class:"field",children:[e("label",{for:`${R}-count`,children:"How many problems"}),e("input",{id:`${R}-count`,type:"number",min:1,max:100,value:a,onInput:y=>o(y.currentTarget.value)}),e(_,{errors:l,path:"count",form:R})]}),e(U,{errors:l,shown:["document","count"]}),e($,{error:u}),e("button",{type:"submit",disabled:h||b,children:"Generate"})]}),d&&e(ot,{job:d,onPublished:n,onJob:f})]})}function ot({job:t,onPublished:n,onJob:r}){const[s,a]=c(null),[o,l]=c(!1),i=Math.round(t.progress*100),u=t.problems.filter(d=>d.status==="DRAFT");async function p(d){l(!0),a(null);try{const f=new Set;for(const h of d){const{updateProblem:m}=await E(ne,{input:{id:h,status:"PUBLISHED"}});if(m.errors.length)throw new Error(m.errors.map(b=>b.message).join(" "));f.add(h)}r({...t,problems:t.problems.map(h=>f.has(h.id)?{...h,status:"PUBLISHED"}:h)}),n()}catch(f){a(f)}finally{l(!1)}}return e("div",{class:"job","data-testid":"job","data-status":t.status,children:[e("p",{children:[e("progress",{max:100,value:i,"aria-label":"Generation progress","data-testid":"job-progress"})," ",i,"% ·"," ",e("strong",{"data-testid":"job-status",children:t.status.toLowerCase()}),t.status==="SUCCEEDED"&&` · ${t.problems.length} of ${t.requestedCount??"?"} made${t.rejectedCount?`, ${t.rejectedCount} dropped`:""}`]}),t.error&&e("p",{class:"failure",children:t.error}),t.problems.length>0&&e("ul",{class:"drafts",children:t.problems.map(d=>e("li",{"data-testid":"generated-problem","data-status":d.status,children:[e("span",{class:`badge ${d.status==="PUBLISHED"?"done":""}`,children:d.status.toLowerCase()})," ",d.prompt," ",d.status==="DRAFT"&&e("button",{type:"button",class:"link",disabled:o,onClick:()=>p([d.id]),children:"Publish"})]},d.id))}),u.length>1&&e("button",{type:"button",disabled:o,onClick:()=>p(u.map(d=>d.id)),children:["Publish all ",u.length," drafts"]}),e($,{error:s})]})}const lt=`[
  {"id": "stats-01", "type": "mcq", "question": "Which are measures of spread?",
   "options": ["Variance", "Mode", "Interquartile range"], "answer": ["Variance", "Interquartile range"]},
  {"id": "stats-02", "type": "numeric", "question": "Median of 1, 3 and 8?", "answer": 3, "tolerance": 0}
]`;function ct(t){const n=t.indexOf("items");if(n<0||n+1>=t.length)return null;const r=Number(t[n+1]);return Number.isInteger(r)?{index:r,key:t.slice(n+2).join(".")}:null}function dt(t){if(t&&typeof t=="object"){const r=t,s=typeof r.id=="string"?`${r.id}: `:"";if(typeof r.question=="string")return`${s}${r.question}`}const n=JSON.stringify(t)??String(t);return n.length>120?`${n.slice(0,117)}…`:n}function ut({lessonId:t,onImported:n}){const[r,s]=c(""),[a,o]=c(null),[l,i]=c(null),[u,p]=c([]),[d,f]=c(null),[h,m]=c(null),[b,g]=c(!1);async function y(w){w.preventDefault();let N;try{N=JSON.parse(r)}catch(v){o(`This is not JSON: ${v.message}`);return}if(!Array.isArray(N)){o("Expected a JSON list of items: [ {...}, {...} ].");return}o(null),g(!0),m(null);try{const{importProblems:v}=await E(Qe,{input:{lessonId:t,items:N}}),W=N.map(T=>({item:T,errors:[]})),q=[];for(const T of v.errors){const D=ct(T.field??[]);D&&W[D.index]?W[D.index].errors.push(D.key?`${D.key}: ${T.message}`:T.message):q.push(T.message)}i(W),p(q),f({created:v.created.length,updated:v.updated.length}),(v.created.length||v.updated.length)&&n()}catch(v){m(v)}finally{g(!1)}}const C=l?.filter(w=>w.errors.length).length??0;return e("form",{class:"panel",onSubmit:y,noValidate:!0,"data-testid":"import",children:[e("h3",{children:"Import problems from JSON"}),e("label",{for:"import-json",children:"Items (a JSON list; see the example)"}),e("textarea",{id:"import-json",rows:8,maxLength:5e6,placeholder:lt,value:r,"aria-invalid":a!==null,"aria-describedby":a?"import-json-error":void 0,onInput:w=>s(w.currentTarget.value)}),a&&e("span",{class:"field-error",id:"import-json-error",role:"alert",children:a}),e($,{error:h}),e("button",{type:"submit",disabled:b,children:"Import"}),d&&e("p",{role:"status","data-testid":"import-summary",children:[d.created," created, ",d.updated," updated",C?`, ${C} refused: fix ${C===1?"it":"them"} below and import again`:"","."]}),u.length>0&&e("ul",{class:"field-error",role:"alert",children:u.map(w=>e("li",{children:w},w))}),l&&e("ol",{class:"import-items",start:0,children:l.map((w,N)=>e("li",{class:w.errors.length?"refused":"imported","data-testid":"import-item","data-index":N,children:[e("span",{children:dt(w.item)})," ",w.errors.length?e("ul",{class:"field-error",role:"alert",children:w.errors.map(v=>e("li",{children:v},v))}):e("span",{class:"badge done",children:"imported"})]},N))})]})}const ht=[["SINGLE_CHOICE","Single choice"],["MULTIPLE_CHOICE","Multiple choice"],["NUMERIC","Number"],["SHORT_TEXT","Short text"],["FREE_TEXT","Free text (graded later)"]];function ce(t){return t.split(`
`).map(n=>n.trim()).filter(Boolean)}function be({lessonId:t,problem:n,onSaved:r}){const s=n?`problem-${n.id}`:"new-problem",[a,o]=c(n?.kind??"SINGLE_CHOICE"),[l,i]=c(n?.prompt??""),[u,p]=c(n?.explanation??""),[d,f]=c(String(n?.difficulty??1)),[h,m]=c(n?.options.map(L=>({text:L.text,correct:L.correct??!1}))??[{text:"",correct:!0},{text:"",correct:!1}]),[b,g]=c(String(n?.solution?.number??"")),[y,C]=c(String(n?.solution?.tolerance??"0")),[w,N]=c((n?.solution?.acceptedAnswers??[]).join(`
`)),[v,W]=c(n?.solution?.referenceAnswer??""),[q,T]=c((n?.solution?.rubric??[]).join(`
`)),[D,ge]=c((n?.tags??[]).join(", ")),[F,se]=c({}),[ye,re]=c(null),[Ie,ie]=c(!1),ae=a==="SINGLE_CHOICE"||a==="MULTIPLE_CHOICE";function Ce(){if(ae)return{options:h};if(a==="NUMERIC"){const L=Number(b.replace(",","."));return{numericAnswer:b.trim()===""||!Number.isFinite(L)?null:L,tolerance:Number(y.replace(",","."))||0}}return a==="SHORT_TEXT"?{acceptedAnswers:ce(w)}:{referenceAnswer:v||null,rubric:ce(q)}}async function xe(L){L.preventDefault();const S={prompt:l,explanation:u,difficulty:Number(d)||1,tags:D.split(",").map(P=>P.trim()).filter(Boolean),...Ce()};if(a==="NUMERIC"&&S.numericAnswer===null){se({numericAnswer:"Enter the answer as a number, such as 42 or 3.5."});return}ie(!0),re(null);try{const P=n?(await E(ne,{input:{id:n.id,...S}})).updateProblem:(await E(Xe,{input:{lessonId:t,kind:a,...S}})).createProblem;se(k(P.errors)),P.problem&&r()}catch(P){re(P)}finally{ie(!1)}}const we=["kind","prompt","explanation","difficulty","options","numericAnswer","tolerance","acceptedAnswers","referenceAnswer","rubric","tags"];return e("form",{class:"panel problem-form",onSubmit:xe,noValidate:!0,children:[!n&&e("div",{class:"field",children:[e("label",{for:`${s}-kind`,children:"Kind"}),e("select",{id:`${s}-kind`,value:a,onChange:L=>o(L.currentTarget.value),children:ht.map(([L,S])=>e("option",{value:L,children:S},L))})]}),e(x,{form:s,path:"prompt",label:"Prompt",value:l,onInput:i,errors:F,maxLength:1e4,rows:2}),ae&&e("fieldset",{children:[e("legend",{children:["Options (tick the correct ",a==="SINGLE_CHOICE"?"one":"ones",")"]}),h.map((L,S)=>e("div",{class:"option-row",children:[e("input",{type:"checkbox","aria-label":`Option ${S+1} is correct`,checked:L.correct,onChange:P=>{const M=P.currentTarget.checked;m(h.map((V,$e)=>$e===S?{...V,correct:M}:a==="SINGLE_CHOICE"&&M?{...V,correct:!1}:V))}}),e("input",{"aria-label":`Option ${S+1}`,maxLength:1e4,value:L.text,onInput:P=>m(h.map((M,V)=>V===S?{...M,text:P.currentTarget.value}:M))}),e("button",{type:"button",class:"link",onClick:()=>m(h.filter((P,M)=>M!==S)),children:"Remove"}),e(_,{errors:F,path:`options.${S}`,form:s}),e(_,{errors:F,path:`options.${S}.text`,form:s})]},S)),e("button",{type:"button",class:"link",onClick:()=>m([...h,{text:"",correct:!1}]),children:"Add an option"}),e(_,{errors:F,path:"options",form:s})]}),a==="NUMERIC"&&e("div",{class:"row",children:[e(x,{form:s,path:"numericAnswer",label:"Answer",numeric:!0,value:b,onInput:g,errors:F,maxLength:40}),e(x,{form:s,path:"tolerance",label:"Tolerance (±)",numeric:!0,value:y,onInput:C,errors:F,maxLength:40})]}),a==="SHORT_TEXT"&&e(x,{form:s,path:"acceptedAnswers",label:"Accepted answers, one a line",value:w,onInput:N,errors:F,maxLength:1e5,rows:3}),a==="FREE_TEXT"&&e(te,{children:[e(x,{form:s,path:"referenceAnswer",label:"Reference answer",value:v,onInput:W,errors:F,maxLength:1e4,rows:3}),e(x,{form:s,path:"rubric",label:"Rubric, one point a line",value:q,onInput:T,errors:F,maxLength:1e5,rows:3})]}),e(x,{form:s,path:"explanation",label:"Explanation (shown after answering)",value:u,onInput:p,errors:F,maxLength:1e4,rows:2}),e("div",{class:"row",children:[e(x,{form:s,path:"difficulty",label:"Difficulty (1-5)",numeric:!0,value:d,onInput:f,errors:F,maxLength:1}),e(x,{form:s,path:"tags",label:"Tags, comma-separated",value:D,onInput:ge,errors:F,maxLength:2e3})]}),e(U,{errors:F,shown:we}),e($,{error:ye}),e("button",{type:"submit",disabled:Ie,children:n?"Save problem":"Add problem"})]})}const pt={SINGLE_CHOICE:"single choice",MULTIPLE_CHOICE:"multiple choice",NUMERIC:"number",SHORT_TEXT:"short text",FREE_TEXT:"free text"};function xt({id:t}){const{data:n,failure:r,reload:s}=G(ze,{id:t}),a=n?.lesson;return a?e("main",{class:"wide",children:[e("p",{children:e(B,{href:`/teach/courses/${encodeURIComponent(a.course.id)}`,children:["← ",a.course.title]})}),e("h1",{children:a.title}),e(mt,{lesson:a,reload:s},a.id),e("h2",{children:"Problems"}),e(ft,{lesson:a,reload:s}),e("details",{class:"panel",children:[e("summary",{children:"Add a problem"}),e(be,{lessonId:a.id,onSaved:s},a.problems.length)]}),e(ut,{lessonId:a.id,onImported:s}),e(at,{lessonId:a.id,onChanged:s})]}):e("main",{class:"wide",children:[e($,{error:r??(n?new Error("This lesson does not exist."):null)}),!n&&!r&&e("p",{children:"Loading…"})]})}function mt({lesson:t,reload:n}){const[r,s]=c(t.title),[a,o]=c(t.body),[l,i]=c({}),[u,p]=c(null),[d,f]=c(!1);J(()=>f(!1),[r,a]);async function h(g){g.preventDefault(),p(null);try{const{updateLesson:y}=await E(Ve,{input:{id:t.id,title:r,body:a}});i(k(y.errors)),y.lesson&&(f(!0),await n())}catch(y){p(y)}}async function m(){p(null);try{const{publishLesson:g}=await E(fe,{input:{id:t.id,published:!t.published}});i(k(g.errors)),await n()}catch(g){p(g)}}const b="lesson";return e("form",{class:"panel",onSubmit:h,noValidate:!0,children:[e("p",{children:[e("span",{class:`badge ${t.published?"done":""}`,"data-testid":"lesson-status",children:t.published?"published":"draft: learners do not see it"})," ",e("button",{type:"button",class:"link",onClick:m,children:t.published?"Unpublish":"Publish lesson"})]}),e(x,{form:b,path:"title",label:"Lesson title",value:r,onInput:s,errors:l,maxLength:200}),e(x,{form:b,path:"body",label:"Lesson text",value:a,onInput:o,errors:l,maxLength:2e5,rows:8}),e(U,{errors:l,shown:["title","body"]}),e($,{error:u}),e("button",{type:"submit",children:"Save lesson"})," ",d&&e("span",{role:"status",children:"Saved."})]})}function ft({lesson:t,reload:n}){const[r,s]=c(null),[a,o]=c(null);async function l(i){o(null);try{const{updateProblem:u}=await E(ne,{input:{id:i,status:"PUBLISHED"}});u.errors.length&&o(new Error(u.errors.map(p=>p.message).join(" "))),await n()}catch(u){o(u)}}return t.problems.length?e(te,{children:[e($,{error:a}),e("ol",{class:"problems authored",children:t.problems.map(i=>e("li",{class:"problem","data-testid":"authored-problem","data-status":i.status,children:[e("p",{children:[e("span",{class:`badge ${i.status==="PUBLISHED"?"done":""}`,children:i.status.toLowerCase()})," ",e("span",{class:"hint",children:[pt[i.kind]??i.kind," · difficulty ",i.difficulty,i.externalId?` · ${i.externalId}`:""]})]}),e("p",{class:"prompt",children:i.prompt}),i.status==="DRAFT"&&e("button",{type:"button",onClick:()=>l(i.id),children:"Publish"})," ",e("button",{type:"button",class:"link",onClick:()=>s(r===i.id?null:i.id),children:r===i.id?"Close":"Edit"}),r===i.id&&e(be,{lessonId:t.id,problem:i,onSaved:()=>{s(null),n()}})]},i.id))})]}):e("p",{children:"No problems yet: add one, import some or generate them below."})}export{yt as Analytics,It as Authoring,gt as Classes,Ct as CourseEditor,xt as LessonEditor};
