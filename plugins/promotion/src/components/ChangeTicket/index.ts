export { ChangeTicketField, changeTicketProblem } from './ChangeTicketField';
export type { ChangeTicketFieldProps } from './ChangeTicketField';
export { ChangeTicketLink } from './ChangeTicketLink';
