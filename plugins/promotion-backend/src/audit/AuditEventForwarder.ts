import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import type { AuditRecordView } from './AuditLog';
import { toAuditorEvent } from './auditorEvent';

/**
 * Sends audit records to Backstage's auditor service once the transaction
 * that appended them has committed, so the auditor sees every change the
 * chain holds (the scheduler's as much as the HTTP API's) and nothing that
 * was rolled back.
 */
export class AuditEventForwarder {
  constructor(
    private readonly options: {
      auditor: AuditorService;
      logger: LoggerService;
    },
  ) {}

  /**
   * Sends each record as a succeeded event, in chain order. Never throws:
   * the change is already committed and stays in the chain whatever the
   * auditor does, so a failure is logged and the next record is sent.
   */
  async forward(records: AuditRecordView[]): Promise<void> {
    for (const record of records) {
      try {
        const event = await this.options.auditor.createEvent(
          toAuditorEvent(record),
        );
        await event.success();
      } catch (error) {
        this.options.logger.error(
          `Could not send audit record ${record.seq} (${record.action}) to the auditor service; it is in the audit chain`,
          error as Error,
        );
      }
    }
  }
}
