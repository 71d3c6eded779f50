export { ApprovalList } from './ApprovalList';
export { BypassButton } from './BypassButton';
export { BypassNotice } from './BypassNotice';
export { CancelButton } from './CancelButton';
export { DecisionButtons } from './DecisionButtons';
