// Texts of the audit log, with the labels of known actions.

const fr = {
  title: "Journal d'audit",
  description: 'Toutes les actions sensibles : connexions, changements de droits, jetons, exports.',
  filterAction: 'Filtrer par action',
  filterPlaceholder: 'Toutes les actions',
  total: '{count} événements',
  total_one: '{count} événement',
  empty: 'Aucun événement.',
  emptyFiltered: 'Aucun événement pour cette action.',
  colDate: 'Date',
  colActor: 'Auteur',
  colAction: 'Action',
  colTarget: 'Cible',
  colIp: 'IP',
  colDetails: 'Détails',
  showDetails: 'Afficher',
  hideDetails: 'Masquer',
  detailsOf: 'Détails de l’événement du {date}',
  noDetails: '—',
  system: 'Système',
  pagination: 'Pages du journal',
  pageOf: 'Page {page} sur {pages}',
  groupFamilies: "Familles d'actions",
  groupActions: 'Actions',
  familyAuth: 'Connexions et mots de passe (toutes)',
  familyMember: "Changements d'équipe (tous)",
  familyToken: "Jetons d'API (tous)",
  familyExport: 'Exports de données (tous)',
};

const en: typeof fr = {
  title: 'Audit log',
  description: 'Every sensitive action: sign-ins, permission changes, tokens, exports.',
  filterAction: 'Filter by action',
  filterPlaceholder: 'All actions',
  total: '{count} events',
  total_one: '{count} event',
  empty: 'No events.',
  emptyFiltered: 'No events for this action.',
  colDate: 'Date',
  colActor: 'Actor',
  colAction: 'Action',
  colTarget: 'Target',
  colIp: 'IP',
  colDetails: 'Details',
  showDetails: 'Show',
  hideDetails: 'Hide',
  detailsOf: 'Details of the event of {date}',
  noDetails: '—',
  system: 'System',
  pagination: 'Audit log pages',
  pageOf: 'Page {page} of {pages}',
  groupFamilies: 'Families of actions',
  groupActions: 'Actions',
  familyAuth: 'Sign-ins and passwords (all)',
  familyMember: 'Team changes (all)',
  familyToken: 'API tokens (all)',
  familyExport: 'Data exports (all)',
};

export const auditMessages = { fr, en };

const actionsFr = {
  'auth.login': 'Connexion',
  'auth.login_failed': 'Échec de connexion',
  'auth.logout': 'Déconnexion',
  'auth.logout_all': 'Déconnexion de toutes les sessions',
  'auth.password_reset': 'Réinitialisation du mot de passe',
  'auth.password_reset_requested': 'Demande de réinitialisation du mot de passe',
  'auth.account_locked': 'Compte verrouillé',
  'member.added': 'Membre ajouté',
  'member.invited': 'Membre invité',
  'member.role_changed': 'Rôle modifié',
  'member.zones_changed': 'Zones modifiées',
  'member.removed': 'Membre retiré',
  'token.created': "Jeton d'API créé",
  'token.revoked': "Jeton d'API révoqué",
  export: 'Export',
};

const actionsEn: typeof actionsFr = {
  'auth.login': 'Sign-in',
  'auth.login_failed': 'Failed sign-in',
  'auth.logout': 'Sign-out',
  'auth.logout_all': 'Signed out of all sessions',
  'auth.password_reset': 'Password reset',
  'auth.password_reset_requested': 'Password reset requested',
  'auth.account_locked': 'Account locked',
  'member.added': 'Member added',
  'member.invited': 'Member invited',
  'member.role_changed': 'Role changed',
  'member.zones_changed': 'Zones changed',
  'member.removed': 'Member removed',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  export: 'Export',
};

export const auditActionLabels = { fr: actionsFr, en: actionsEn };

/** Prefixes offered in the filter: the server matches the action filter as a prefix. */
export const FILTERABLE_FAMILIES = [
  { prefix: 'auth.', label: 'familyAuth' },
  { prefix: 'member.', label: 'familyMember' },
  { prefix: 'token.', label: 'familyToken' },
  { prefix: 'export.', label: 'familyExport' },
] as const;

/** The actions offered in the filter (the ones the product names today). */
export const FILTERABLE_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout_all',
  'auth.password_reset',
  'member.added',
  'member.role_changed',
  'member.removed',
  'token.created',
  'token.revoked',
] as const;
