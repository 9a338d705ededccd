// The timeline module's public face and manifest: record an activity, read a person's timeline. It
// has no routes of its own yet (the people module serves a person's timeline).
import { defineModule } from '../manifest.ts';

export { type ActivityInput, personTimeline, recordActivity, type TimelineItem } from './timeline.ts';

export const timelineModule = defineModule({ name: 'timeline' });
