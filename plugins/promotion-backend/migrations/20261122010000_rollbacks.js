// @ts-check

/**
 * Rollbacks: a request's kind (a promotion moves a build on, a rollback sets
 * an environment back to a build it ran before), and the holds that stop
 * automatic promotion into an environment after a rollback until someone
 * releases them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table
      .string('kind', 16)
      .notNullable()
      .defaultTo('promotion')
      .comment('promotion or rollback');
    table
      .string('replaces_tag', 255)
      .nullable()
      .comment(
        'For a rollback: the build the environment ran when it was asked for',
      );
    table.string('replaces_digest', 255).nullable();
  });
  await knex.schema.createTable('promotion_hold', table => {
    table.comment(
      'Environments whose automatic promotion is held, one row per held target',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('set_by', 255).notNullable();
    table.text('reason').notNullable();
    table
      .string('promotion_id', 36)
      .nullable()
      .comment('The rollback that set the hold');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'environment']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotion_hold');
  await knex.schema.alterTable('promotion_request', table => {
    table.dropColumn('replaces_digest');
    table.dropColumn('replaces_tag');
    table.dropColumn('kind');
  });
};
