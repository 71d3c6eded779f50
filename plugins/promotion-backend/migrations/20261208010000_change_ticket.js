// @ts-check

/**
 * The change ticket (a CAB change, an ITSM record) a request was made under,
 * when it names one.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table
      .string('change_ticket', 100)
      .nullable()
      .comment('The change ticket reference the request names');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table.dropColumn('change_ticket');
  });
};
