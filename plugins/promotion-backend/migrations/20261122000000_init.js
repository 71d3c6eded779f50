// @ts-check

/**
 * Promotion requests, and the append-only, hash-chained audit log with the
 * one-row chain head that appends advance by compare-and-set.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('promotion_request', table => {
    table.comment(
      'A request to move one artifact into one environment of one entity',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('source_environment', 63).notNullable();
    table.string('target_environment', 63).notNullable();
    table.string('artifact_image', 511).notNullable();
    table.string('artifact_tag', 255).nullable();
    table.string('artifact_digest', 255).nullable();
    table.string('status', 32).notNullable();
    table.text('reason').nullable();
    table.string('requested_by', 255).notNullable();
    table
      .string('requester_kind', 16)
      .notNullable()
      .defaultTo('user')
      .comment('user, service (CI) or scheduler (automatic promotion)');
    table.string('commit_sha', 64).nullable();
    table.string('pull_request_url', 1023).nullable();
    table.integer('pull_request_number').nullable();
    table
      .string('pull_request_provider', 16)
      .nullable()
      .comment('github or gitlab');
    table.text('error').nullable();
    table.string('bypassed_by', 255).nullable();
    table.text('bypass_reason').nullable();
    table
      .string('bypass_skipped', 63)
      .nullable()
      .comment('What the bypass skipped: gates, approvals');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('The whole request ends as expired after this time');
    table
      .timestamp('next_evaluation_at', { useTz: true })
      .nullable()
      .comment(
        'When the scheduler should look at the request again (pending gates, open pull requests)',
      );
    table.string('lease_owner', 255).nullable();
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment(
        'An executing request whose lease expired is taken over by the scheduler',
      );
    table.index(
      ['entity_ref', 'target_environment', 'status'],
      'promotion_request_target_idx',
    );
    table.index(
      ['status', 'next_evaluation_at'],
      'promotion_request_status_idx',
    );
  });

  await knex.schema.createTable('promotion_gate_run', table => {
    table.comment('Every evaluation of every gate of a request');
    table.bigIncrements('id').primary();
    table
      .string('promotion_id', 36)
      .notNullable()
      .references('id')
      .inTable('promotion_request')
      .onDelete('CASCADE');
    table
      .integer('round')
      .notNullable()
      .comment('Which evaluation of the request this run belongs to');
    table.string('gate', 255).notNullable();
    table.string('status', 16).notNullable();
    table.text('message').notNullable();
    table.text('details').nullable().comment('JSON');
    table.timestamp('retry_at', { useTz: true }).nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.index(['promotion_id', 'round'], 'promotion_gate_run_promotion_idx');
  });

  await knex.schema.createTable('promotion_approval', table => {
    table.comment('Decisions of approvers on a request; one per person');
    table.bigIncrements('id').primary();
    table
      .string('promotion_id', 36)
      .notNullable()
      .references('id')
      .inTable('promotion_request')
      .onDelete('CASCADE');
    table.string('approver', 255).notNullable();
    table.string('decision', 16).notNullable().comment('approve or reject');
    table.text('comment').nullable();
    table
      .string('digest', 255)
      .nullable()
      .comment('The artifact the decision was made for');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['promotion_id', 'approver'], {
      indexName: 'promotion_approval_once_idx',
    });
  });

  await knex.schema.createTable('promotion_audit_record', table => {
    table.comment(
      'Append-only audit log; hash = sha256(previous hash + canonical)',
    );
    table.bigInteger('seq').primary().notNullable();
    table.string('action', 64).notNullable();
    table.string('actor', 255).notNullable();
    table.string('promotion_id', 36).nullable();
    table.string('entity_ref', 255).nullable();
    table.string('environment', 63).nullable();
    table
      .text('canonical')
      .notNullable()
      .comment('Canonical JSON of the record, hashed as stored');
    table.string('prev_hash', 64).notNullable();
    table.string('hash', 64).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['promotion_id'], 'promotion_audit_record_promotion_idx');
    table.index(
      ['entity_ref', 'environment'],
      'promotion_audit_record_target_idx',
    );
  });

  await knex.schema.createTable('promotion_audit_head', table => {
    table.comment(
      'The single head of the audit chain, advanced by compare-and-set',
    );
    table.integer('id').primary().notNullable();
    table.bigInteger('seq').notNullable();
    table.string('hash', 64).notNullable();
  });
  await knex('promotion_audit_head').insert({
    id: 1,
    seq: 0,
    hash: '0'.repeat(64),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotion_audit_head');
  await knex.schema.dropTable('promotion_audit_record');
  await knex.schema.dropTable('promotion_approval');
  await knex.schema.dropTable('promotion_gate_run');
  await knex.schema.dropTable('promotion_request');
};
