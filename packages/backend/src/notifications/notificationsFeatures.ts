import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import notificationsModuleEmail from '@backstage/plugin-notifications-backend-module-email';
import notificationsModuleSlack from '@backstage/plugin-notifications-backend-module-slack';

/**
 * Backstage's notifications backend with the processors that carry
 * notifications beyond the web inbox: email to the users a notification
 * reaches, and Slack to the channels and people that the catalog names with
 * the `slack.com/bot-notify` annotation. The email module needs
 * `notifications.processors.email` (app-config.yaml sets a transport that
 * sends nothing); the Slack module does nothing until
 * `notifications.processors.slack` gives it a bot token.
 */
export default createBackendFeatureLoader({
  *loader() {
    yield notificationsPlugin;
    yield notificationsModuleEmail;
    yield notificationsModuleSlack;
  },
});
