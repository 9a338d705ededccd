// Which message of the settings bundle names each thing of a tag or a list.
import type { GroupKind } from '../api.ts';
import type { settingsMessages } from '../messages.ts';

type Key = keyof typeof settingsMessages.fr;

export const GROUP_TEXT: Record<
  GroupKind,
  { hint: Key; create: Key; edit: Key; remove: Key; empty: Key; count: Key; confirm: Key; unused: Key; duplicate: Key }
> = {
  tag: {
    hint: 'tagsHint',
    create: 'newTag',
    edit: 'editTag',
    remove: 'deleteTag',
    empty: 'tagsEmpty',
    count: 'tagCount',
    confirm: 'deleteTagConfirm',
    unused: 'deleteTagUnused',
    duplicate: 'duplicateTag',
  },
  list: {
    hint: 'listsHint',
    create: 'newList',
    edit: 'editList',
    remove: 'deleteList',
    empty: 'listsEmpty',
    count: 'listCount',
    confirm: 'deleteListConfirm',
    unused: 'deleteListUnused',
    duplicate: 'duplicateList',
  },
};
