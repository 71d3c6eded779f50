/** The notifications backend with its email and Slack modules, as one feature. */
export { default } from './notificationsFeatures';
