import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases store tests run on: SQLite always, PostgreSQL 15 when a
 * connection string is configured (scripts/test.sh starts one and sets it),
 * so a machine without PostgreSQL still runs the SQLite half.
 */
export function storeTestDatabaseIds(): TestDatabaseId[] {
  return process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
    ? ['POSTGRES_15', 'SQLITE_3']
    : ['SQLITE_3'];
}

export function createStoreTestDatabases() {
  return TestDatabases.create({ ids: storeTestDatabaseIds() });
}
