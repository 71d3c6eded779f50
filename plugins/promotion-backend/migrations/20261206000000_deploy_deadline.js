// @ts-check

/**
 * While a landed change is followed until its deployment source reports it
 * running healthy: when it must have, else the request fails. Empty while a
 * manual-sync environment waits for someone to sync.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table
      .timestamp('deploy_deadline_at', { useTz: true })
      .nullable()
      .comment(
        'When a landed change must run healthy by, while its deployment is followed',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table.dropColumn('deploy_deadline_at');
  });
};
