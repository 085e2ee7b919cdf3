// learnql's GraphiQL: the explorer, served with its pinned assets from this server (no CDN).
// The tabs hold the demo accounts' logins and example operations; running a login puts its token in the
// headers pane, which GraphiQL keeps (localStorage), and subscriptions run over graphql-ws with the same
// headers as connection_init payload.
(function () {
  "use strict";

  const DEMO_PASSWORD = "learnql-demo";
  const TABS = [
    {
      query: `# Welcome to learnql. Each tab holds an example: run it with the ▶ button (Ctrl-Enter).
# Running a login puts its token in the Headers pane below, for the other tabs.
mutation LoginAsDemoLearner {
  login(input: {email: "learner@demo.learnql.dev", password: "${DEMO_PASSWORD}"}) {
    token
    user { id displayName role }
    errors { code message }
  }
}
`,
    },
    {
      query: `mutation LoginAsDemoInstructor {
  login(input: {email: "instructor@demo.learnql.dev", password: "${DEMO_PASSWORD}"}) {
    token
    user { id displayName role }
    errors { code message }
  }
}
`,
    },
    {
      query: `query Courses {
  courses(first: 5) {
    totalCount
    edges { node { id title lessons(first: 5) { edges { node { id title position } } } } }
  }
}
`,
    },
    {
      query: `query MyProfile {
  viewer { id displayName role xp streak { current best } profile { lessonsCompleted accuracy } }
}
`,
    },
    {
      query: `query ReviewQueue {
  reviewQueue(limit: 5) { id due problem { id prompt } }
}
`,
    },
    {
      query: `subscription LiveLeaderboard {
  leaderboardUpdated(scope: {kind: ALL_TIME}, first: 5) { entries { rank xp user { displayName } } }
}
`,
    },
  ];

  const url = window.location.origin + window.location.pathname;
  const subscriptionUrl = url.replace(/^http/, "ws");
  const base = GraphiQL.createFetcher({ url, subscriptionUrl });

  function tokenOf(result) {
    const data = result && result.data;
    if (!data) return null;
    for (const field of ["login", "register", "changePassword"]) {
      if (data[field] && data[field].token) return data[field].token;
    }
    return null;
  }

  // A login's token, on its way from the fetcher to the headers pane.
  const TOKEN_EVENT = "learnql:token";
  const TOKEN_KEY = "learnql:token";

  function inspect(value) {
    for (const result of Array.isArray(value) ? value : [value]) {
      const token = tokenOf(result);
      if (token) window.dispatchEvent(new CustomEvent(TOKEN_EVENT, { detail: token }));
    }
  }

  async function* watched(results) {
    for await (const value of results) {
      inspect(value);
      yield value;
    }
  }

  // After a reload GraphiQL may send the operation name of the tab open before (a tab switch does not
  // always update it), which the server refuses as an unknown operation; or none at all, and then its
  // fetcher sends a subscription over HTTP instead of the WebSocket (it looks for a subscription by
  // name): name the document's own operation.
  function knownOperation(params) {
    let names;
    try {
      names = GraphiQL.GraphQL.parse(params.query)
        .definitions.filter((definition) => definition.kind === "OperationDefinition")
        .map((definition) => definition.name && definition.name.value);
    } catch (error) {
      return params; // the server says what is wrong with it
    }
    if (params.operationName && names.includes(params.operationName)) return params;
    const only = names.length === 1 && names[0] ? names[0] : undefined;
    return Object.assign({}, params, { operationName: only || params.operationName || undefined });
  }

  // GraphiQL's fetcher tells a subscription (sent over graphql-ws) by the `documentAST` it is given,
  // which after a tab switch can be the previous tab's: give it the document being sent.
  function withDocument(params, options) {
    try {
      return Object.assign({}, options, { documentAST: GraphiQL.GraphQL.parse(params.query) });
    } catch (error) {
      return options; // the server says what is wrong with it
    }
  }

  // GraphiQL's fetcher answers with a promise of a result or of an async iterable of results
  // (multipart-capable HTTP, graphql-ws): either way the results pass by `inspect`.
  function fetcher(params, options) {
    const answer = base(knownOperation(params), withDocument(params, options));
    if (!answer || typeof answer.then !== "function") return answer;
    return answer.then(function (value) {
      if (value && typeof value[Symbol.asyncIterator] === "function") return watched(value);
      inspect(value);
      return value;
    });
  }

  // Rendered inside GraphiQL (in its toolbar, drawing nothing) to reach the headers editor. Headers are
  // per tab in GraphiQL: a login's token goes to the open tab's headers, is remembered (localStorage), and
  // fills the headers of any tab opened with none, so every example runs as the logged-in account.
  function TokenToHeaders() {
    const editors = GraphiQL.React.useEditorContext({ nonNull: true });
    const editor = editors.headerEditor;

    function put(token) {
      if (editor) editor.setValue(JSON.stringify({ Authorization: "Bearer " + token }, null, 2));
    }

    React.useEffect(function () {
      function received(event) {
        window.localStorage.setItem(TOKEN_KEY, event.detail);
        put(event.detail);
      }
      window.addEventListener(TOKEN_EVENT, received);
      return function () {
        window.removeEventListener(TOKEN_EVENT, received);
      };
    }, [editor]);

    React.useEffect(function () {
      const token = window.localStorage.getItem(TOKEN_KEY);
      if (editor && token && !editor.getValue().trim()) put(token);
    }, [editor, editors.activeTabIndex]);
    return null;
  }

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: TABS,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      toolbar: { additionalComponent: TokenToHeaders },
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
