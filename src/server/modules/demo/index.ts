// The demo module's public face and manifest: the demo campaign and its generated contacts (CLI seed).
import { defineModule } from '../manifest.ts';

export { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SLUG, demoLoginsText, fetchCityData, seedDemoCampaign } from './demo.campaign.ts';

export const demoModule = defineModule({ name: 'demo' });
