// Runs once per test run: prepares the migrated PostgreSQL template database (when DATABASE_URL is
// set) under a name of this run's own, so that runs side by side do not drop each other's template.
import type { TestProject } from 'vitest/node';
import { dropTemplateDatabase, prepareTemplateDatabase } from './databases.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `relais_test_template_${process.pid}`;
  project.provide('templateDb', name);
  await prepareTemplateDatabase(name);
  return () => dropTemplateDatabase(name);
}
