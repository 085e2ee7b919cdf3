// graphql-codegen's client preset: typed documents for every `graphql(...)` call in src/operations, generated into
// src/gql from the API's committed schema. `npm run codegen` regenerates; `npm run codegen:check` fails when the
// generated code is stale or an operation no longer validates against ../../schema.graphql.
import type { CodegenConfig } from "@graphql-codegen/cli";

// How the API's custom scalars look on the wire (docs/api/clients.md): DateTime is an RFC 3339 string with an
// offset, Date an ISO 8601 calendar date (YYYY-MM-DD), JSON any JSON value, Upload a file sent as multipart, ID an
// opaque string.
export const scalars = {
  DateTime: "string",
  Date: "string",
  JSON: "unknown",
  Upload: "File",
  ID: "string",
} as const;

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/operations/**/*.ts"],
  ignoreNoDocuments: false,
  // import paths with `.js`, as Node's ES modules (and tsc with NodeNext) need them
  emitLegacyCommonJSImports: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        scalars,
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
      },
    },
  },
};

export default config;
