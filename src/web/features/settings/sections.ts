// The sections of the settings screen and the permission the server asks to manage each one
// (ladder and custom fields: users.manage; tags and lists: people.write; the election calendar:
// calendar.write; deliverability: messaging.deliverability).
import type { Permission } from '../session/api.ts';

export interface SettingsSection {
  path: 'ladder' | 'tags' | 'lists' | 'fields' | 'calendar' | 'deliverability';
  label: 'tabLadder' | 'tabTags' | 'tabLists' | 'tabFields' | 'tabCalendar' | 'tabDeliverability';
  permission: Permission;
}

export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { path: 'ladder', label: 'tabLadder', permission: 'users.manage' },
  { path: 'tags', label: 'tabTags', permission: 'people.write' },
  { path: 'lists', label: 'tabLists', permission: 'people.write' },
  { path: 'fields', label: 'tabFields', permission: 'users.manage' },
  { path: 'calendar', label: 'tabCalendar', permission: 'calendar.write' },
  { path: 'deliverability', label: 'tabDeliverability', permission: 'messaging.deliverability' },
];

/** The sections the given permissions may manage, in display order. */
export function allowedSections(permissions: readonly string[]): SettingsSection[] {
  return SETTINGS_SECTIONS.filter((section) => permissions.includes(section.permission));
}
