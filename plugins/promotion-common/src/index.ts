/**
 * Types, HTTP API schemas, permissions and annotation names shared by the
 * promotion frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './approvals';
export * from './audit';
export * from './changeTickets';
export * from './metrics';
export * from './permissions';
export * from './schemas';
export * from './types';
export * from './overview';
