export { approvalProgress } from './approvalProgress';
export { errorMessage } from './errorMessage';
export { formatAge } from './formatAge';
export { formatTime } from './formatTime';
export { peopleRef } from './peopleRef';
export { entityName, requestName } from './requestName';
export { shortDigest } from './shortDigest';
