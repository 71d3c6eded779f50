// @ts-check

/**
 * GET /promotions reads requests newest first, page by page (created_at, id
 * below the previous page's last): an index in that order serves every page
 * without sorting the table.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table.index(['created_at', 'id'], 'promotion_request_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table.dropIndex(['created_at', 'id'], 'promotion_request_created_idx');
  });
};
