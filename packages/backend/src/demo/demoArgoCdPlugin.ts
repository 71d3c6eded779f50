import path from 'node:path';
import express from 'express';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DemoArgoCd } from './DemoArgoCd';

/**
 * Serves {@link DemoArgoCd} at `/api/demo-argocd`, which app-config.yaml
 * names as the example's Argo CD instance (`promotion.argocd`). It answers
 * any bearer token, as a real Argo CD would check one; it holds no secrets
 * and changes nothing but its own memory.
 */
export default createBackendPlugin({
  pluginId: 'demo-argocd',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, httpRouter }) {
        const demo = config
          .getOptionalConfigArray('promotion.gitops.repositories')
          ?.find(repository => repository.getString('id') === 'demo');
        const url = demo?.getString('url');
        if (!url || url.includes('://')) return;
        const argoCd = new DemoArgoCd({
          repository: path.resolve(url),
          manualSync: config.getOptionalStringArray(
            'demoArgoCd.manualSync',
          ) ?? ['prod'],
        });

        const router = express.Router();
        router.use((req, res, next) => {
          if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
            res.status(401).json({
              error: 'no session information',
              code: 16,
              message: 'no session information',
            });
            return;
          }
          next();
        });
        const notFound = (res: express.Response, name: string) =>
          res.status(404).json({
            error: `applications.argoproj.io "${name}" not found`,
            code: 5,
            message: `applications.argoproj.io "${name}" not found`,
          });
        router.get('/api/v1/applications/:name', async (req, res) => {
          const app = await argoCd.application(req.params.name);
          if (!app) return notFound(res, req.params.name);
          return res.json(app);
        });
        router.get('/api/v1/applications/:name/resource', async (req, res) => {
          const rollout = await argoCd.rollout(req.params.name);
          if (!rollout) return notFound(res, req.params.name);
          return res.json(rollout);
        });
        router.post('/api/v1/applications/:name/sync', async (req, res) => {
          const app = await argoCd.sync(req.params.name);
          if (!app) return notFound(res, req.params.name);
          return res.json(app);
        });

        // The promotion backend calls with its Argo CD token, not a Backstage one.
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use(router);
      },
    });
  },
});
