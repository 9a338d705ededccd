// Texts of the jobs screen, with the labels of job states and kinds.

const fr = {
  title: 'Tâches',
  description: 'Les traitements longs (imports, envois, exports) et leur avancement, mis à jour en direct.',
  startDemo: 'Lancer une tâche de démonstration',
  empty: "Aucune tâche pour l'instant.",
  emptyHint: 'Les imports, envois et exports apparaîtront ici avec leur progression.',
  progress: '{done} / {total}',
  progressLabel: 'Avancement de la tâche {kind}',
  created: 'Créée le {date}',
  finished: 'Terminée le {date}',
  started: 'Démarrée le {date}',
  error: 'Erreur : {error}',
  polling: 'Mise à jour automatique chaque seconde',
  stateQueued: 'En attente',
  stateRunning: 'En cours',
  stateSucceeded: 'Terminée',
  stateFailed: 'Échec',
  kindDemo: 'Tâche de démonstration',
  kindImport: 'Import',
  kindExport: 'Export',
};

const en: typeof fr = {
  title: 'Jobs',
  description: 'Long-running work (imports, sends, exports) and its progress, updated live.',
  startDemo: 'Start a demonstration job',
  empty: 'No jobs yet.',
  emptyHint: 'Imports, sends and exports will show up here with their progress.',
  progress: '{done} / {total}',
  progressLabel: 'Progress of job {kind}',
  created: 'Created {date}',
  finished: 'Finished {date}',
  started: 'Started {date}',
  error: 'Error: {error}',
  polling: 'Refreshing every second',
  stateQueued: 'Queued',
  stateRunning: 'Running',
  stateSucceeded: 'Succeeded',
  stateFailed: 'Failed',
  kindDemo: 'Demonstration job',
  kindImport: 'Import',
  kindExport: 'Export',
};

export const jobsMessages = { fr, en };
