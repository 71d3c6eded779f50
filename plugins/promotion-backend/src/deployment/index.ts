export { DeploymentService } from './DeploymentService';
export { DeploymentSourceError } from './DeploymentSourceError';
export { runsArtifact } from './runsArtifact';
