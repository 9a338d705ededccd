// The timeline module's public face: record an activity, read a person's timeline.
export { type ActivityInput, personTimeline, recordActivity, type TimelineItem } from './timeline.ts';
