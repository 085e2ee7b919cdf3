// Reading a query for a page: its data, its failure, and a way to read it again after a change.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { useCallback, useEffect, useState } from "preact/hooks";
import { request } from "../api";

export function useQuery<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): { data: Result | null; failure: unknown; reload: () => Promise<void> } {
  const [data, setData] = useState<Result | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const shape = JSON.stringify(variables);
  const reload = useCallback(
    () =>
      request(document, variables).then(
        (next) => {
          setFailure(null);
          setData(next);
        },
        (error: unknown) => setFailure(error),
      ),
    [document, shape],
  );
  useEffect(() => {
    setData(null);
    reload();
  }, [reload]);
  return { data, failure, reload };
}
