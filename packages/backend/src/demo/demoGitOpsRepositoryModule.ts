import fs from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { createDemoGitOpsRepository } from './createDemoGitOpsRepository';

/**
 * Creates the demo GitOps repository on first start, so that a new user sees
 * real commits after clicking Promote. It runs before the promotion plugin
 * (modules initialise before their plugin) and only for the repository with
 * id `demo` when it is a local path that does not exist yet.
 */
export default createBackendModule({
  pluginId: 'promotion',
  moduleId: 'demo-gitops-repository',
  register(env) {
    env.registerInit({
      deps: { config: coreServices.rootConfig, logger: coreServices.logger },
      async init({ config, logger }) {
        const demo = config
          .getOptionalConfigArray('promotion.gitops.repositories')
          ?.find(repository => repository.getString('id') === 'demo');
        const url = demo?.getString('url');
        if (!url || url.includes('://')) return;
        const target = path.resolve(url);
        if (fs.existsSync(target)) return;
        createDemoGitOpsRepository(target);
        logger.info(`Created the demo GitOps repository at ${target}`);
      },
    });
  },
});
