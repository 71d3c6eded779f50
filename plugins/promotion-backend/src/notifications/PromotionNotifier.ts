import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig } from '../config';

const OUTCOME_WORDS: Partial<Record<Promotion['status'], string>> = {
  succeeded: 'succeeded',
  deployed: 'runs healthy',
  failed: 'failed',
  rejected: 'was rejected',
  expired: 'expired',
  cancelled: 'was cancelled',
  superseded: 'was superseded by a newer request',
  'awaiting-merge': 'waits for its pull request to be merged',
};

/**
 * Tells people about requests through Backstage's notifications service:
 * the approvers (the environment's `approval.notify`, else the entity's
 * owners; never the requester) when approval is wanted or a bypass skipped
 * them, and the requester on every outcome. A notification that cannot be
 * sent is logged; it never fails the promotion.
 */
export class PromotionNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      logger: LoggerService;
      appBaseUrl: string;
    },
  ) {}

  private link(promotion: Promotion) {
    const { kind, namespace, name } = parseEntityRef(promotion.entityRef);
    return `${
      this.options.appBaseUrl
    }/catalog/${namespace}/${kind.toLocaleLowerCase(
      'en-US',
    )}/${name}/promotion`;
  }

  private approvers(entity: Entity, environment: EnvironmentConfig): string[] {
    if (environment.approval?.notify?.length)
      return environment.approval.notify;
    return (entity.relations ?? [])
      .filter(r => r.type === RELATION_OWNED_BY)
      .map(r => r.targetRef);
  }

  private async send(
    recipients: string[],
    exclude: string | undefined,
    payload: {
      title: string;
      description: string;
      link: string;
      severity: 'normal' | 'high' | 'critical';
    },
  ) {
    const { notifications, logger } = this.options;
    if (!notifications || recipients.length === 0) return;
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipients,
          ...(exclude ? { excludeEntityRef: exclude } : {}),
        },
        payload: { ...payload, topic: 'promotion' },
      });
    } catch (error) {
      logger.warn(`Could not send a promotion notification: ${error}`);
    }
  }

  async approvalWanted(
    promotion: Promotion,
    entity: Entity,
    environment: EnvironmentConfig,
  ) {
    await this.send(
      this.approvers(entity, environment),
      promotion.requestedBy,
      {
        title: `Approval wanted: ${entity.metadata.name} to ${promotion.targetEnvironment}`,
        description: `${promotion.requestedBy} asks to promote ${
          promotion.artifact.tag ?? promotion.artifact.digest
        } of ${promotion.entityRef} into ${promotion.targetEnvironment}.`,
        link: this.link(promotion),
        severity: 'high',
      },
    );
  }

  async bypassed(
    promotion: Promotion,
    entity: Entity,
    environment: EnvironmentConfig,
  ) {
    await this.send(this.approvers(entity, environment), promotion.bypass?.by, {
      title: `Emergency bypass: ${entity.metadata.name} to ${promotion.targetEnvironment}`,
      description: `${promotion.bypass?.by} skipped the checks of a promotion into ${promotion.targetEnvironment}: ${promotion.bypass?.reason}`,
      link: this.link(promotion),
      severity: 'critical',
    });
  }

  async outcome(promotion: Promotion) {
    const words = OUTCOME_WORDS[promotion.status];
    if (!words || promotion.requesterKind !== 'user') return;
    await this.send([promotion.requestedBy], undefined, {
      title: `Promotion into ${promotion.targetEnvironment} ${words}`,
      description: `${promotion.entityRef}: ${
        promotion.artifact.tag ?? promotion.artifact.digest
      }${promotion.error ? ` — ${promotion.error}` : ''}`,
      link: this.link(promotion),
      severity: ['succeeded', 'deployed'].includes(promotion.status)
        ? 'normal'
        : 'high',
    });
  }
}
