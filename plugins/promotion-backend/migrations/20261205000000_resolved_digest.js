// @ts-check

/**
 * The digest a tag-only pin's tag named in the registry when the request was
 * made: execution checks that the tag still names it, and records it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table
      .string('resolved_digest', 255)
      .nullable()
      .comment(
        'For a build pinned by tag alone: the digest the registry gave for the tag at request time',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotion_request', table => {
    table.dropColumn('resolved_digest');
  });
};
