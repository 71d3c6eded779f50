import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ExamplePermissionPolicy } from './ExamplePermissionPolicy';

/** Installs {@link ExamplePermissionPolicy} as the permission backend's policy. */
export const examplePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'example-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new ExamplePermissionPolicy({ userInfo }));
      },
    });
  },
});
