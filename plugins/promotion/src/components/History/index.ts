export { AuditTimelineCard } from './AuditTimelineCard';
export { EnvironmentHistoryCard } from './EnvironmentHistoryCard';
export type { HistoryEnvironment } from './EnvironmentHistoryCard';
