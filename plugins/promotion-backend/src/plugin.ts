import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  GateFactory,
  promotionGatesExtensionPoint,
} from '@promotion-for-backstage/plugin-promotion-node';
import { AuditEventForwarder, AuditLog } from './audit';
import { readPromotionConfig } from './config';
import { KnexPromotionStore } from './database';
import { DeploymentService } from './deployment';
import { builtInGateFactories, GateRunner } from './gates';
import {
  DoraMetricsService,
  KnexDoraMetricsStore,
  metricsEnvironments,
} from './metrics';
import {
  GitOpsService,
  ScmGitCredentialsProvider,
  ScmPullRequestProviderFactory,
} from './gitops';
import { PromotionAuthorizer, registerPermissions } from './permissions';
import { PromotionNotifier } from './notifications';
import { RegistryService } from './registry';
import { PromotionOverviewReader } from './overview';
import { createRouter } from './service/router';
import { PromotionWorkflow, scheduleWorkflow } from './workflow';

/**
 * The promotion backend plugin: wiring only; the logic lives in the folders
 * it imports from.
 *
 * @public
 */
export const promotionPlugin = createBackendPlugin({
  pluginId: 'promotion',
  register(env) {
    const gateFactories: GateFactory[] = [];
    env.registerExtensionPoint(promotionGatesExtensionPoint, {
      addGateFactory(...factories) {
        gateFactories.push(...factories);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpAuth,
        httpRouter,
        auth,
        permissions,
        permissionsRegistry,
        auditor,
        lifecycle,
        catalog,
        notifications,
      }) {
        const promotionConfig = readPromotionConfig(config);
        const registries = new RegistryService(promotionConfig);
        const gates = new GateRunner([
          ...builtInGateFactories(registries),
          ...gateFactories,
        ]);
        const workingDirectory =
          config.getOptionalString('backend.workingDirectory') ?? os.tmpdir();
        // Every record the chain appends, the scheduler's too, reaches the auditor.
        const auditEvents = new AuditEventForwarder({ auditor, logger });
        const store = await KnexPromotionStore.create({
          database,
          onAuditAppended: records => auditEvents.forward(records),
        });
        const gitops = new GitOpsService({
          config: promotionConfig,
          cacheDir: path.join(
            workingDirectory,
            'backstage-promotion',
            'mirrors',
          ),
          logger,
          pullRequests: ScmPullRequestProviderFactory.fromConfig(config),
          credentials: ScmGitCredentialsProvider.fromConfig(config),
        });
        lifecycle.addShutdownHook(() => gitops.close());
        const appBaseUrl = config.getString('app.baseUrl');
        const loadEntity = async (entityRef: string) =>
          catalog.getEntityByRef(entityRef, {
            credentials: await auth.getOwnServiceCredentials(),
          });
        const workflow = new PromotionWorkflow({
          config: promotionConfig,
          store,
          gitops,
          gates,
          logger,
          loadEntity,
          instanceId: `${os.hostname()}-${crypto.randomUUID().slice(0, 8)}`,
          appBaseUrl,
          notifier: new PromotionNotifier({
            notifications,
            logger,
            appBaseUrl,
          }),
          permissionsEnabled:
            config.getOptionalBoolean('permission.enabled') ?? false,
          registries,
          deployments: DeploymentService.fromConfig(promotionConfig, config),
        });
        // Fail at start-up, naming the key, rather than on the first request.
        workflow.validateConfiguration();
        registerPermissions({ permissionsRegistry, catalog, auth });
        await scheduleWorkflow({ scheduler, workflow, catalog, auth, logger });
        httpRouter.use(
          await createRouter({
            config: promotionConfig,
            auth,
            auditor,
            auditLog: new AuditLog(await database.getClient()),
            permissions,
            httpAuth,
            authorizer: new PromotionAuthorizer(
              permissions,
              permissionsRegistry,
            ),
            catalog,
            store,
            workflow,
            overview: new PromotionOverviewReader({
              config: promotionConfig,
              catalog,
              store,
              gitops,
              requests: workflow,
            }),
            metrics: new DoraMetricsService({
              store: new KnexDoraMetricsStore(await database.getClient()),
              catalog,
              environments: metricsEnvironments(promotionConfig),
            }),
          }),
        );
      },
    });
  },
});
