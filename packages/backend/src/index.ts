/*
 * The example Backstage backend: the promotion plugin with what it needs
 * (auth with guest sign-in and the example users, catalog, permissions with
 * the example policy, notifications by email and Slack, signals), a demo
 * GitOps repository created on first start, and a demo Argo CD that reports
 * what it pins as running.
 */
import { createBackend } from '@backstage/backend-defaults';
import { exampleUsersAuthModule } from './auth';
import { examplePolicyModule } from './permissions';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(exampleUsersAuthModule);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(examplePolicyModule);

backend.add(import('./notifications'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@promotion-for-backstage/plugin-promotion-backend'));
backend.add(import('./demo/demoGitOpsRepositoryModule'));
backend.add(import('./demo/demoArgoCdPlugin'));
backend.add(import('./gates/lifecycleGateModule'));

backend.start();
