// The demo module's public face and manifest: the demo campaign and its generated contacts (CLI
// seed), and sandboxes — throw-away campaigns of the same generated data for hackathons.
import { defineModule } from '../manifest.ts';
import { demoErrors } from './demo.errors.ts';
import { sandboxRoutes } from './sandbox.routes.ts';

export { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SLUG, type DemoNotice, fetchCityData, seedDemoCampaign } from './demo.campaign.ts';
export { seedDemoSite } from './demo.site.ts';
export { createSandbox, removeSandbox, SANDBOX_DEFAULT_PEOPLE, type Sandbox } from './sandbox.ts';

export const demoModule = defineModule({
  name: 'demo',
  routes: [{ prefix: '/api/v1', plugin: sandboxRoutes }],
  errors: demoErrors,
});
