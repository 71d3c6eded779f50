/**
 * Why a `fetch` failed, in a word a person can search for: Node's fetch says
 * only "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND …) in
 * `cause`.
 */
export function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  return (
    cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)
  );
}
