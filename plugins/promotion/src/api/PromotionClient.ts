import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApprovalDecision,
  AuditPage,
  AuditVerification,
  BypassRequest,
  CreatePromotionRequest,
  CreateRollbackRequest,
  DoraMetrics,
  DoraMetricsQuery,
  EnvironmentHistory,
  ListPromotionsQuery,
  OverviewQuery,
  Pipeline,
  Promotion,
  PromotionOverview,
  PromotionPlan,
  RollbackPlan,
  SyncRequest,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  AuditRecordsQuery,
  PromotionApi,
  PromotionRequest,
  RollbackPlanRequest,
  RollbackRequest,
  RollbackResult,
  SyncOutcome,
} from './PromotionApi';

function entityPath(entityRef: string | CompoundEntityRef): string {
  const { kind, namespace, name } =
    typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef;
  return [kind, namespace, name].map(encodeURIComponent).join('/');
}

function environmentPath(
  entityRef: string | CompoundEntityRef,
  environment: string,
): string {
  return `/entities/${entityPath(entityRef)}/environments/${encodeURIComponent(
    environment,
  )}`;
}

/**
 * Talks to the promotion backend through the app's discovery and fetch APIs,
 * so the signed-in user's token and the backend's real location are applied
 * the same way as for every other plugin.
 *
 * @public
 */
export class PromotionClient implements PromotionApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getOverview(query: OverviewQuery = {}): Promise<PromotionOverview> {
    const params = new URLSearchParams();
    // Several owners are the parameter repeated, as the backend reads them.
    for (const owner of query.owner ?? []) params.append('owner', owner);
    if (query.q) params.set('q', query.q);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.offset !== undefined) params.set('offset', String(query.offset));
    const search = params.toString();
    return this.request<PromotionOverview>(
      search ? `/overview?${search}` : '/overview',
    );
  }

  async getPipeline(entityRef: string | CompoundEntityRef): Promise<Pipeline> {
    return this.request<Pipeline>(
      `/entities/${entityPath(entityRef)}/pipeline`,
    );
  }

  async getHistory(
    entityRef: string | CompoundEntityRef,
    environment: string,
  ): Promise<EnvironmentHistory> {
    return this.request<EnvironmentHistory>(
      `${environmentPath(entityRef, environment)}/history`,
    );
  }

  async listAuditRecords(query: AuditRecordsQuery = {}): Promise<AuditPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.toString();
    return this.request<AuditPage>(search ? `/audit?${search}` : '/audit');
  }

  async verifyAudit(): Promise<AuditVerification> {
    return this.request<AuditVerification>('/audit/verify');
  }

  async planRollback(request: RollbackPlanRequest): Promise<RollbackPlan> {
    // The impact is shown before the person has said why: a dry run needs no
    // reason, and one that is not yet long enough is left out.
    const { reason, ...rest } = request;
    const body: CreateRollbackRequest = {
      ...rest,
      ...(reason && reason.trim().length >= 10 ? { reason } : {}),
      dryRun: true,
    };
    return this.post<RollbackPlan>('/rollbacks', body);
  }

  async requestRollback(request: RollbackRequest): Promise<RollbackResult> {
    // A caller's stray dryRun would make the answer a plan, not a request.
    const { dryRun: _dryRun, ...body } = request as CreateRollbackRequest;
    return this.post<RollbackResult>('/rollbacks', body);
  }

  async releaseHold(
    entityRef: string | CompoundEntityRef,
    environment: string,
  ): Promise<void> {
    await this.post<unknown>(
      `${environmentPath(entityRef, environment)}/hold/release`,
    );
  }

  async syncEnvironment(
    entityRef: string | CompoundEntityRef,
    environment: string,
    request: SyncRequest = {},
  ): Promise<SyncOutcome> {
    // The body is checked strictly: only the reason goes, and only when
    // there is one, so an empty field leaves no empty reason in the audit log.
    const reason = request.reason?.trim();
    const body: SyncRequest = reason ? { reason } : {};
    return this.post<SyncOutcome>(
      `${environmentPath(entityRef, environment)}/sync`,
      body,
    );
  }

  async createPromotion(request: PromotionRequest): Promise<Promotion> {
    // A caller's stray dryRun would make the answer a plan, not a Promotion.
    const { dryRun: _dryRun, ...body } = request as CreatePromotionRequest;
    return this.post<Promotion>('/promotions', body);
  }

  async planPromotion(request: PromotionRequest): Promise<PromotionPlan> {
    const body: CreatePromotionRequest = { ...request, dryRun: true };
    return this.post<PromotionPlan>('/promotions', body);
  }

  async cancelPromotion(id: string): Promise<Promotion> {
    return this.post<Promotion>(`/promotions/${encodeURIComponent(id)}/cancel`);
  }

  async rerunGates(id: string): Promise<Promotion> {
    return this.post<Promotion>(
      `/promotions/${encodeURIComponent(id)}/gates/rerun`,
    );
  }

  async decide(id: string, decision: ApprovalDecision): Promise<Promotion> {
    return this.post<Promotion>(
      `/promotions/${encodeURIComponent(id)}/approvals`,
      decision,
    );
  }

  async bypass(id: string, reason: string): Promise<Promotion> {
    const body: BypassRequest = { reason };
    return this.post<Promotion>(
      `/promotions/${encodeURIComponent(id)}/bypass`,
      body,
    );
  }

  async getPromotion(id: string): Promise<Promotion> {
    return this.request<Promotion>(`/promotions/${encodeURIComponent(id)}`);
  }

  async getDoraMetrics(query: DoraMetricsQuery = {}): Promise<DoraMetrics> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.toString();
    return this.request<DoraMetrics>(
      search ? `/metrics/dora?${search}` : '/metrics/dora',
    );
  }

  async listPromotions(
    query: ListPromotionsQuery = {},
  ): Promise<{ items: Promotion[]; nextCursor?: string }> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return this.request<{ items: Promotion[]; nextCursor?: string }>(
      search ? `/promotions?${search}` : '/promotions',
    );
  }

  private async post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>(
      path,
      body === undefined
        ? { method: 'POST' }
        : {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          },
    );
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('promotion');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
