// Runs once per test run: prepares the migrated PostgreSQL template database (when DATABASE_URL is set).
import { prepareTemplateDatabase } from './databases.ts';

export default async function setup(): Promise<void> {
  await prepareTemplateDatabase();
}
