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
  kindOther: 'Tâche de fond',
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
  kindOther: 'Background job',
};

export const jobsMessages = { fr, en };

/** The name of each job kind the server declares (jobs-words.test.ts checks that none is missing). */
const kindsFr = {
  'demo.count': 'Tâche de démonstration',
  'imports.people': 'Import de personnes',
  'messaging.send': 'Envoi d’un e-mail aux contacts',
  'people.retention': 'Application de la politique de conservation',
  'messaging.bounces': 'Relevé de la boîte des rebonds',
  'messaging.schedule': 'Envoi programmé d’un e-mail',
  'messaging.ab_evaluate': 'Choix de la version gagnante d’un test A/B',
  'factchecks.check_sources': 'Vérification des liens des sources (le vrai du faux)',
};
const kindsEn: typeof kindsFr = {
  'demo.count': 'Demonstration job',
  'imports.people': 'People import',
  'messaging.send': 'Mailing send',
  'people.retention': 'Retention policy run',
  'messaging.bounces': 'Reading the bounce mailbox',
  'messaging.schedule': 'Scheduled mailing',
  'messaging.ab_evaluate': 'Picking the winning version of an A/B test',
  'factchecks.check_sources': "Checking fact checks' source links",
};
export const jobKindLabels = { fr: kindsFr, en: kindsEn };

/** The step a job is at, from the stable code it reports (ctx.progress's message). */
const stepsFr = {
  'demo.counting': 'Comptage des personnes par étape de l’échelle',
  'imports.reading': 'Lecture et vérification des lignes',
  'imports.writing': 'Enregistrement des personnes',
  'messaging.sending': 'Envoi des messages',
  'people.retention': 'Anonymisation des contacts sans activité',
  'bounces.reading': 'Lecture des rebonds et des plaintes',
};
const stepsEn: typeof stepsFr = {
  'demo.counting': 'Counting people per ladder stage',
  'imports.reading': 'Reading and checking the rows',
  'imports.writing': 'Saving the people',
  'messaging.sending': 'Sending the messages',
  'people.retention': 'Anonymising contacts without activity',
  'bounces.reading': 'Reading the bounces and complaints',
};
export const jobStepLabels = { fr: stepsFr, en: stepsEn };
