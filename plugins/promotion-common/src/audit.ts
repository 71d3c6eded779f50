/**
 * One record of the audit chain, as `GET /audit` lists it: what its stored
 * canonical text says, with its place in the chain. @public
 */
export interface AuditRecord {
  seq: number;
  createdAt: string;
  /** e.g. `promotion.requested`, `promotion.approved`, `hold.set`. */
  action: string;
  /** Entity ref of the user or service that acted. */
  actor: string;
  promotionId: string | null;
  entityRef: string | null;
  environment: string | null;
  /** Anything else the record keeps: artifact, commit, reason, change ticket, error. */
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Answer of `GET /audit`. @public */
export interface AuditPage {
  items: AuditRecord[];
  /** Pass as `after` (as `before` with `order=desc`) to read the next page; absent on the last page. */
  nextCursor?: number;
}

/** Answer of `GET /audit/verify`: the whole chain walked from its first record. @public */
export interface AuditVerification {
  ok: boolean;
  /** Records found intact, in order, before the first broken one (all of them when ok). */
  checked: number;
  headSeq: number;
  headHash: string;
  firstBroken?: { seq: number; reason: string };
  /** With anchors given: how many were found in the chain as they say (all of them when ok). */
  anchorsMatched?: number;
}
