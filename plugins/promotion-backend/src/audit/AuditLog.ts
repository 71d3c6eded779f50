import { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import type {
  AuditRecord,
  AuditVerification,
} from '@promotion-for-backstage/plugin-promotion-common';
import { AuditAction, GENESIS_HASH, hashRecord } from './auditChain';
import type { AuditAnchor } from './auditAnchors';
import {
  AUDIT_CSV_HEADER,
  AuditExportFormat,
  toCsvLine,
  toJsonLine,
} from './formatAuditExport';

const RECORD_TABLE = 'promotion_audit_record';
const HEAD_TABLE = 'promotion_audit_head';
const BATCH_SIZE = 1000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** An audit record as its canonical text says it, with its place in the chain. */
export interface AuditRecordView extends Omit<AuditRecord, 'action'> {
  action: AuditAction;
}

/**
 * Told of the records a transaction appended, in chain order, once it has
 * committed. The change stands whatever the listener does, so it handles its
 * own failures.
 */
export type AuditAppendedListener = (
  records: AuditRecordView[],
) => Promise<void>;

/** Which records to read; every field narrows the selection. */
export interface AuditFilter {
  entityRef?: string;
  environment?: string;
  promotionId?: string;
  action?: AuditAction;
  actor?: string;
  /** Only records after this sequence number (the cursor of a previous page, oldest first). */
  after?: number;
  /** Only records before this sequence number (the cursor of a previous page, newest first). */
  before?: number;
}

export interface AuditListOptions extends AuditFilter {
  /** Page size, 1 to 1000; 100 when left out. */
  limit?: number;
  /**
   * `asc` (the default) lists the oldest first, and the next page is read
   * with `after`; `desc` lists the newest first (a timeline), and the next
   * page is read with `before`.
   */
  order?: 'asc' | 'desc';
}

/**
 * Keeps, of a batch of records, those the reader may see (say, of entities
 * visible to them in the catalog), in order.
 */
export type AuditRecordKeeper = (
  records: AuditRecordView[],
) => Promise<AuditRecordView[]>;

/**
 * How many records one page reads at most when a keeper drops records: past
 * it, the page is answered short with a cursor to go on from, so a reader
 * who may see few records cannot make one request walk the whole chain.
 */
const MAX_SCANNED_PER_PAGE = 10_000;

export interface AuditPage {
  items: AuditRecordView[];
  /** Pass as `after` (as `before`, newest first) to read the next page; absent on the last page. */
  nextCursor?: number;
}

export interface AuditChainHead {
  seq: number;
  hash: string;
}

export type { AuditVerification };

export interface AuditVerifyOptions {
  /** Points of the chain recorded elsewhere (commit trailers, auditor events) that must still hold. */
  anchors?: AuditAnchor[];
}

type AuditRecordRow = {
  seq: number | string;
  action: string;
  actor: string;
  promotion_id: string | null;
  entity_ref: string | null;
  environment: string | null;
  canonical: string;
  prev_hash: string;
  hash: string;
  created_at: string | Date;
};

/**
 * Reads the audit chain that `appendAuditRecord` writes: pages of
 * records, streamed exports and verification of the whole chain. The stored
 * canonical text is what was hashed, so it is what every reader returns; the
 * columns beside it only serve as indexes for filtering.
 */
export class AuditLog {
  private readonly batchSize: number;

  constructor(private readonly db: Knex, options: { batchSize?: number } = {}) {
    // Rows per query when exporting and verifying; tests make it small to
    // cross batch boundaries with a handful of records.
    this.batchSize = options.batchSize ?? BATCH_SIZE;
  }

  async head(): Promise<AuditChainHead> {
    const row = await this.db(HEAD_TABLE).where({ id: 1 }).first();
    if (!row) {
      throw new Error('The audit chain head row is missing');
    }
    return { seq: Number(row.seq), hash: row.hash };
  }

  /**
   * Every record after `seq`, in order and unpaged: for reading back, inside
   * the transaction that wrote them, the few records it appended.
   */
  async recordsAfter(seq: number): Promise<AuditRecordView[]> {
    const rows: AuditRecordRow[] = await this.db(RECORD_TABLE)
      .where('seq', '>', seq)
      .orderBy('seq', 'asc');
    return rows.map(toView);
  }

  /**
   * A page of the selected records, oldest first unless `order` is `desc`. With `keep`, only the
   * records it keeps are listed; a page may then hold fewer than `limit`
   * records and still have a `nextCursor`, when many were passed over.
   */
  async list(
    options: AuditListOptions = {},
    keep?: AuditRecordKeeper,
  ): Promise<AuditPage> {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InputError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const items: AuditRecordView[] = [];
    const newestFirst = options.order === 'desc';
    // The cursor moves on from the last record read: up, or down newest first.
    let cursor = newestFirst ? options.before : options.after ?? 0;
    let scanned = 0;
    for (;;) {
      const rows: AuditRecordRow[] = await this.select(
        newestFirst
          ? { ...options, before: cursor }
          : { ...options, after: cursor },
      )
        .orderBy('seq', newestFirst ? 'desc' : 'asc')
        .limit(limit + 1);
      const read = rows.slice(0, limit).map(toView);
      const kept = keep ? await keep(read) : read;
      for (const record of kept) {
        if (items.length === limit) break;
        items.push(record);
      }
      const last = read[read.length - 1];
      const more = rows.length > limit;
      if (items.length === limit) {
        // Full: the next page starts after the last record listed.
        const listed = items[items.length - 1].seq;
        return more || listed !== last?.seq
          ? { items, nextCursor: listed }
          : { items };
      }
      scanned += read.length;
      if (!more) return { items };
      cursor = last.seq;
      if (scanned >= MAX_SCANNED_PER_PAGE) return { items, nextCursor: cursor };
    }
  }

  /**
   * Streams the selected records as lines (each string ends with its line
   * break), up to the head as it was when the export started, so an export
   * taken while others append still ends at a record the head vouched for.
   */
  async *export(
    format: AuditExportFormat,
    filter: AuditFilter = {},
    keep?: AuditRecordKeeper,
  ): AsyncIterable<string> {
    if (format !== 'jsonl' && format !== 'csv') {
      throw new InputError(`Unknown audit export format '${format}'`);
    }
    const toLine = format === 'csv' ? toCsvLine : toJsonLine;
    const { seq: headSeq } = await this.head();
    if (format === 'csv') {
      yield `${AUDIT_CSV_HEADER}\r\n`;
    }
    let after = filter.after ?? 0;
    for (;;) {
      const rows: AuditRecordRow[] = await this.select({ ...filter, after })
        .where('seq', '<=', headSeq)
        .orderBy('seq', 'asc')
        .limit(this.batchSize);
      const views = rows.map(toView);
      for (const record of keep ? await keep(views) : views) {
        yield toLine(record);
      }
      if (rows.length < this.batchSize) {
        return;
      }
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /**
   * Walks the chain from the genesis hash up to the head, a batch at a time,
   * and names the first record that breaks it. The head is read first and only
   * records up to it are checked: every record at or below a committed head
   * has itself committed, so appends running meanwhile cannot be mistaken for
   * damage, and no long transaction is needed for a consistent view.
   *
   * The chain alone cannot tell that its tail was deleted and the head wound
   * back to the last record left, since what remains is consistent. Anchors
   * taken from outside the database close that gap: each must name a record
   * that is still in the chain with the same hash.
   */
  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    const anchors = options.anchors ?? [];
    const head = await this.head();
    let checked = 0;
    let anchorsMatched = 0;
    const result = (firstBroken?: { seq: number; reason: string }) => ({
      ok: !firstBroken,
      checked,
      headSeq: head.seq,
      headHash: head.hash,
      ...(firstBroken ? { firstBroken } : {}),
      ...(anchors.length > 0 ? { anchorsMatched } : {}),
    });
    const anchorsAt = new Map<number, AuditAnchor[]>();
    for (const anchor of anchors) {
      anchorsAt.set(anchor.seq, [...(anchorsAt.get(anchor.seq) ?? []), anchor]);
    }
    /** The first anchor at `seq` that names another hash, counting those that match. */
    const contradicting = (seq: number, hash: string) => {
      for (const anchor of anchorsAt.get(seq) ?? []) {
        if (anchor.hash !== hash) return anchor;
        anchorsMatched++;
      }
      return undefined;
    };
    const contradicted = (anchor: AuditAnchor) => ({
      seq: anchor.seq,
      reason: `hash does not match anchor ${anchor.seq}:${anchor.hash}`,
    });

    // Seq 0 is the genesis: an anchor taken from an empty chain.
    const atGenesis = contradicting(0, GENESIS_HASH);
    if (atGenesis) {
      return result(contradicted(atGenesis));
    }

    let prevHash = GENESIS_HASH;
    for (;;) {
      const rows: AuditRecordRow[] = await this.db(RECORD_TABLE)
        .where('seq', '>', checked)
        .andWhere('seq', '<=', head.seq)
        .orderBy('seq', 'asc')
        .limit(this.batchSize);
      for (const row of rows) {
        const seq = checked + 1;
        if (Number(row.seq) !== seq) {
          return result({ seq, reason: 'record missing' });
        }
        const reason = findBreak(row, prevHash);
        if (reason) {
          return result({ seq, reason });
        }
        // A chain rewritten from some record on is consistent in itself;
        // only a hash kept elsewhere shows that the record is not the original.
        const anchor = contradicting(seq, row.hash);
        if (anchor) {
          return result(contradicted(anchor));
        }
        prevHash = row.hash;
        checked = seq;
      }
      if (rows.length < this.batchSize) {
        break;
      }
    }

    if (head.seq > checked) {
      return result({
        seq: checked + 1,
        reason: `chain truncated after seq ${checked}`,
      });
    }
    if (head.hash !== prevHash) {
      return result({ seq: head.seq, reason: 'head does not match' });
    }
    // Anchors are taken from committed heads before the request that brings
    // them, and heads only move forward, so one beyond the head read above
    // means the head went back.
    const furthest = anchors.reduce<AuditAnchor>(
      (far, anchor) => (anchor.seq > far.seq ? anchor : far),
      head,
    );
    if (furthest.seq > head.seq) {
      return result({
        seq: head.seq + 1,
        reason: `anchor ${furthest.seq}:${furthest.hash} is beyond the head at seq ${head.seq}: the chain was cut short or its head set back`,
      });
    }
    // A record past the head is fine if it was appended since we read the head
    // (its transaction moved the head too); if the head has not moved, the head
    // was set back.
    const beyond = await this.db(RECORD_TABLE)
      .where('seq', '>', head.seq)
      .orderBy('seq', 'asc')
      .first('seq');
    if (beyond) {
      const now = await this.head();
      if (now.seq === head.seq && now.hash === head.hash) {
        return result({ seq: head.seq + 1, reason: 'head does not match' });
      }
    }
    return result();
  }

  private select(filter: AuditFilter): Knex.QueryBuilder {
    const after = filter.after ?? 0;
    if (!Number.isInteger(after) || after < 0) {
      throw new InputError('after must be a non-negative integer');
    }
    const query = this.db(RECORD_TABLE).where('seq', '>', after);
    if (filter.before !== undefined) {
      if (!Number.isInteger(filter.before) || filter.before < 1) {
        throw new InputError('before must be a positive integer');
      }
      query.andWhere('seq', '<', filter.before);
    }
    const columns = {
      entity_ref: filter.entityRef,
      environment: filter.environment,
      promotion_id: filter.promotionId,
      action: filter.action,
      actor: filter.actor,
    };
    for (const [column, value] of Object.entries(columns)) {
      if (value !== undefined) {
        query.andWhere(column, value);
      }
    }
    return query;
  }
}

function toView(row: AuditRecordRow): AuditRecordView {
  let record: Omit<AuditRecordView, 'prevHash' | 'hash'>;
  try {
    record = JSON.parse(row.canonical);
  } catch {
    throw new Error(`Audit record ${row.seq} does not hold valid JSON`);
  }
  return { ...record, prevHash: row.prev_hash, hash: row.hash };
}

/** Why a record (already known to sit at the right sequence) breaks the chain, if it does. */
function findBreak(row: AuditRecordRow, prevHash: string): string | undefined {
  if (row.prev_hash !== prevHash) {
    return 'previous hash mismatch';
  }
  if (hashRecord(row.prev_hash, row.canonical) !== row.hash) {
    return 'hash mismatch';
  }
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(row.canonical);
  } catch {
    return 'canonical text is not valid JSON';
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return 'canonical text is not a JSON object';
  }
  if (record.seq !== Number(row.seq)) {
    return 'sequence mismatch';
  }
  // The columns are what filters match on; if they disagree with the hashed
  // text, a filtered read could hide or misattribute the record.
  const columnsAgree =
    row.action === record.action &&
    row.actor === record.actor &&
    row.promotion_id === record.promotionId &&
    row.entity_ref === record.entityRef &&
    row.environment === record.environment &&
    new Date(row.created_at).getTime() ===
      new Date(String(record.createdAt)).getTime();
  return columnsAgree ? undefined : 'columns do not match record';
}
