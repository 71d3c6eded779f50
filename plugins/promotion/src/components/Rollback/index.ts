export { HoldNotice } from './HoldNotice';
export { RequestKindChip } from './RequestKindChip';
export { RollbackButton } from './RollbackButton';
export { RollbackDialog } from './RollbackDialog';
export type { RollbackDialogProps } from './RollbackDialog';
export { buildName } from './buildName';
