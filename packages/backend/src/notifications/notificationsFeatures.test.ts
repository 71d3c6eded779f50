import path from 'node:path';
import request from 'supertest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConfigSources } from '@backstage/config-loader';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import notificationsFeatures from './notificationsFeatures';
import { startFakeSmtpServer } from './startFakeSmtpServer';

const RELEASES_CHANNEL = 'C0RELEASES';
const RILEY_SLACK_ID = 'U0RILEY';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'release-managers',
      namespace: 'default',
      annotations: { 'slack.com/bot-notify': RELEASES_CHANNEL },
    },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/morgan' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'morgan', namespace: 'default' },
    spec: { profile: { email: 'morgan@example.com' } },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/release-managers' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'riley', namespace: 'default' },
    spec: { profile: { email: 'riley@example.com' } },
  },
];

// What the promotion plugin sends (its PromotionNotifier): entity recipients,
// topic 'promotion', the approvers when approval is wanted …
const approvalWanted: NotificationSendOptions = {
  recipients: {
    type: 'entity',
    entityRef: ['group:default/release-managers'],
    excludeEntityRef: 'user:default/riley',
  },
  payload: {
    title: 'Approval wanted: payments-api to prod',
    description:
      'user:default/riley asks to promote 1.4.0 of component:default/payments-api into prod.',
    link: 'http://localhost:3000/catalog/default/component/payments-api/promotion',
    severity: 'high',
    topic: 'promotion',
  },
};

// … and the requester on an outcome.
const outcome: NotificationSendOptions = {
  recipients: { type: 'entity', entityRef: ['user:default/riley'] },
  payload: {
    title: 'Promotion into prod succeeded',
    description: 'component:default/payments-api: 1.4.0',
    link: 'http://localhost:3000/catalog/default/component/payments-api/promotion',
    severity: 'normal',
    topic: 'promotion',
  },
};

type SlackCall = Record<string, string>;

describe('notificationsFeatures', () => {
  const slackCalls: SlackCall[] = [];
  const slack = setupServer(
    http.post(
      'https://slack.com/api/:method',
      async ({ params, request: req }) => {
        const method = String(params.method);
        const body = new URLSearchParams(await req.text());
        slackCalls.push({ method, ...Object.fromEntries(body) });
        if (method === 'chat.postMessage') {
          return HttpResponse.json({
            ok: true,
            channel: body.get('channel'),
            ts: `${Date.now() / 1000}`,
          });
        }
        if (method === 'users.lookupByEmail') {
          return body.get('email') === 'riley@example.com'
            ? HttpResponse.json({ ok: true, user: { id: RILEY_SLACK_ID } })
            : HttpResponse.json({ ok: false, error: 'users_not_found' });
        }
        return HttpResponse.json({ ok: false, error: 'unknown_method' });
      },
    ),
  );
  let smtp: Awaited<ReturnType<typeof startFakeSmtpServer>>;

  beforeAll(() =>
    slack.listen({
      // The test backend's own requests go through; anything else is a bug.
      onUnhandledRequest(req, print) {
        if (!['localhost', '127.0.0.1'].includes(new URL(req.url).hostname)) {
          print.error();
        }
      },
    }),
  );
  afterAll(() => slack.close());
  beforeEach(async () => {
    slackCalls.length = 0;
    smtp = await startFakeSmtpServer();
  });
  afterEach(() => smtp.stop());

  const postedMessages = () =>
    slackCalls
      .filter(call => call.method === 'chat.postMessage')
      .map(({ channel, text }) => ({ channel, text }));

  /** Starts the notifications features with a plugin that sends as `promotion`. */
  async function start(notifications: JsonObject) {
    let sender: NotificationService | undefined;
    const promotion = createBackendPlugin({
      pluginId: 'promotion',
      register(reg) {
        reg.registerInit({
          deps: { notifications: notificationService },
          async init(deps) {
            sender = deps.notifications;
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        notificationsFeatures,
        promotion,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' }, notifications },
        }),
      ],
    });
    return { server, send: sender!.send.bind(sender) };
  }

  const configured = () => ({
    processors: {
      slack: [{ token: 'xoxb-test-token' }],
      email: {
        transportConfig: {
          transport: 'smtp',
          hostname: '127.0.0.1',
          port: smtp.port,
        },
        sender: 'promotion@example.com',
        filter: { includedTopics: ['promotion'] },
      },
    },
  });

  async function eventually<T>(probe: () => T | undefined): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('Nothing arrived in time');
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }

  it("posts an approval request to the Slack channel of the approvers' group and emails its members", async () => {
    const { send } = await start(configured());

    await send(approvalWanted);

    // A group's channel is posted to while the notification is accepted.
    expect(postedMessages()).toEqual([
      { channel: RELEASES_CHANNEL, text: approvalWanted.payload.title },
    ]);
    const mail = await eventually(() => smtp.mails[0]);
    expect(mail.from).toBe('promotion@example.com');
    expect(mail.to).toEqual(['morgan@example.com']);
    expect(mail.headers.subject).toBe(approvalWanted.payload.title);
    expect(mail.body).toContain('/catalog/default/component/payments-api/');
  }, 30_000);

  it('sends the requester an outcome as a Slack direct message found by email, and as a mail', async () => {
    const { send } = await start(configured());

    await send(outcome);

    const mail = await eventually(() => smtp.mails[0]);
    expect(mail.to).toEqual(['riley@example.com']);
    expect(mail.headers.subject).toBe(outcome.payload.title);
    expect(await eventually(() => postedMessages()[0])).toEqual({
      channel: RILEY_SLACK_ID,
      text: outcome.payload.title,
    });
  }, 30_000);

  it("emails only the topics of the email processor's filter; Slack has no such filter", async () => {
    const { send } = await start(configured());
    const other = { ...outcome.payload, title: 'Entity refreshed', topic: 'x' };

    await send({ ...outcome, payload: other });
    await send(outcome);

    await eventually(() => smtp.mails[0]);
    await eventually(() => postedMessages()[1]);
    expect(smtp.mails.map(mail => mail.headers.subject)).toEqual([
      outcome.payload.title,
    ]);
    expect(
      postedMessages()
        .map(message => message.text)
        .sort(),
    ).toEqual([other.title, outcome.payload.title]);
  }, 30_000);

  it("starts with the example's app-config.yaml on a machine with no Slack token and no mail server", async () => {
    const source = ConfigSources.defaultForTargets({
      targets: [
        {
          type: 'path',
          target: path.resolve(__dirname, '../../../../app-config.yaml'),
        },
      ],
      // A fresh machine: no environment variable is set.
      substitutionFunc: async () => undefined,
    });
    const config = await ConfigSources.toConfig(source);
    const notifications = config.getConfig('notifications').get<JsonObject>();
    config.close();

    const { server, send } = await start(notifications);
    await send(outcome);

    const inbox = await request(server)
      .get('/api/notifications')
      .set('authorization', mockCredentials.user.header('user:default/riley'));
    expect(inbox.status).toBe(200);
    expect(
      inbox.body.notifications.map(
        (n: { payload: { title: string } }) => n.payload.title,
      ),
    ).toEqual([outcome.payload.title]);
    expect(slackCalls).toEqual([]);
  }, 30_000);
});
