// How a token scope (`people:read`) reads on screen: "Contacts : lecture" / "People: read".
import { useLocale } from '../../i18n/locale-context.tsx';
import { scopeNames } from './messages.ts';

/** The name of a scope's resource, of its action, and of the whole scope, in the interface's language. */
export function useScopeNames() {
  const { locale } = useLocale();
  const names = scopeNames[locale];
  const resource = (id: string) => names.resources[id] ?? id;
  const action = (id: string) => names.actions[id] ?? id;
  return {
    resource,
    action,
    scope: (scope: string) => {
      const [r = '', a = ''] = scope.split(':');
      return locale === 'fr' ? `${resource(r)} : ${action(a)}` : `${resource(r)}: ${action(a)}`;
    },
  };
}
