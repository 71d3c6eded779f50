export { GitOpsService, GitSnapshot } from './GitOpsService';
export type {
  AppliedChange,
  PlannedChange,
  ApplyPromotionOptions,
  EnvironmentPin,
  PinRead,
} from './GitOpsService';
export { GitMirror } from './GitMirror';
export { TargetResolver } from './TargetResolver';
export type { PromotionTarget } from './TargetResolver';
export { createManifestEditor, ManifestEditError } from './editors';
export type { ManifestEditor, PinLocator, PinnedValues } from './editors';
export {
  ScmGitCredentialsProvider,
  ScmPullRequestProviderFactory,
} from './providers';
export type {
  PullRequestProviderFactory,
  PullRequestRef,
  PullRequestState,
} from './providers';
