export { DeploymentStatusView } from './DeploymentStatusView';
export { SyncButton } from './SyncButton';
