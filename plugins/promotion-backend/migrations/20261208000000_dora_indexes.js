// @ts-check

/**
 * DORA metrics read production outcomes (executed, rolled back, failed) in a
 * window, and for each build that reached production the first request for
 * the same build of the same entity. Three indexes serve them:
 *
 * - audit records by (entity, environment, action, created_at): an entity's
 *   or a group's production outcomes in a window, and nothing else;
 * - audit records by (environment, action, created_at), with the entity so
 *   the entities that changed production are listed from the index alone;
 * - requests by entity, build (the digest, else the digest its tag resolved
 *   to, else the tag: the metrics' queries spell the expression the same
 *   way), environment and time, so each build's start is one lookup.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_audit_record', table => {
    table.index(
      ['entity_ref', 'environment', 'action', 'created_at'],
      'promotion_audit_record_entity_outcome_idx',
    );
    table.index(
      ['environment', 'action', 'created_at', 'entity_ref'],
      'promotion_audit_record_outcome_idx',
    );
  });
  // An index on an expression: PostgreSQL and SQLite both take this syntax.
  await knex.raw(
    `CREATE INDEX promotion_request_build_idx ON promotion_request (
      entity_ref,
      (COALESCE(artifact_digest, resolved_digest, artifact_tag)),
      target_environment,
      created_at
    )`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX promotion_request_build_idx');
  await knex.schema.alterTable('promotion_audit_record', table => {
    table.dropIndex(
      ['environment', 'action', 'created_at', 'entity_ref'],
      'promotion_audit_record_outcome_idx',
    );
    table.dropIndex(
      ['entity_ref', 'environment', 'action', 'created_at'],
      'promotion_audit_record_entity_outcome_idx',
    );
  });
};
