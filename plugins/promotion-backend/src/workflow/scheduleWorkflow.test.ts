import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PromotionWorkflow } from './PromotionWorkflow';
import { AUTO_PROMOTE_PAGE_SIZE, scheduleWorkflow } from './scheduleWorkflow';

function component(name: string, annotated: boolean): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: annotated
        ? { 'promotion.backstage.io/image': `ghcr.io/acme/${name}` }
        : {},
    },
    spec: {},
  };
}

/** Schedules the workflow's tasks on a scheduler that only records them; returns the tasks by id. */
async function scheduledTasks(options: {
  entities: Entity[];
  promotesAutomatically: boolean;
}) {
  const tasks = new Map<
    string,
    SchedulerServiceTaskInvocationDefinition['fn']
  >();
  const scheduler = mockServices.scheduler.mock({
    scheduleTask: async task => {
      tasks.set(task.id, task.fn);
    },
  });
  const catalog = catalogServiceMock({ entities: options.entities });
  jest.spyOn(catalog, 'queryEntities');
  const seen: string[][] = [];
  const workflow = {
    promotesAutomatically: () => options.promotesAutomatically,
    autoPromote: jest.fn(async (entities: Entity[]) => {
      seen.push(entities.map(e => e.metadata.name));
      return [];
    }),
    runDue: jest.fn(async () => 0),
  } as unknown as PromotionWorkflow;
  await scheduleWorkflow({
    scheduler,
    workflow,
    catalog,
    auth: mockServices.auth({ pluginId: 'promotion' }),
    logger: mockServices.logger.mock(),
  });
  const run = (id: string) =>
    tasks.get(id)!({ signal: new AbortController().signal } as any);
  return { run, catalog, seen, tasks };
}

describe('scheduleWorkflow', () => {
  it('schedules the rounds with global scope', async () => {
    const tasks: Array<{ id: string; scope?: string }> = [];
    const scheduler = mockServices.scheduler.mock({
      scheduleTask: async task => {
        tasks.push({ id: task.id, scope: task.scope });
      },
    });
    await scheduleWorkflow({
      scheduler,
      workflow: {} as PromotionWorkflow,
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    expect(tasks).toEqual([
      { id: 'promotion-advance-requests', scope: 'global' },
      { id: 'promotion-auto-promote', scope: 'global' },
    ]);
  });

  it('hands automatic promotion every annotated entity, page by page', async () => {
    const annotated = Array.from(
      { length: AUTO_PROMOTE_PAGE_SIZE + 5 },
      (_, i) => component(`app-${i}`, true),
    );
    const { run, catalog, seen } = await scheduledTasks({
      entities: [component('plain', false), ...annotated],
      promotesAutomatically: true,
    });
    await run('promotion-auto-promote');
    expect(seen.map(page => page.length)).toEqual([AUTO_PROMOTE_PAGE_SIZE, 5]);
    expect(seen.flat().sort()).toEqual(
      annotated.map(e => e.metadata.name).sort(),
    );
    expect(catalog.queryEntities).toHaveBeenCalledTimes(2);
  });

  it('does not list entities when no environment promotes automatically', async () => {
    const { run, catalog, seen } = await scheduledTasks({
      entities: [component('payments', true)],
      promotesAutomatically: false,
    });
    await run('promotion-auto-promote');
    expect(catalog.queryEntities).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });
});
