/** The example app's permission policy and the module that installs it. */
export { examplePolicyModule } from './examplePolicyModule';
export { ExamplePermissionPolicy } from './ExamplePermissionPolicy';
