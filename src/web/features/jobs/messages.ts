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
  'field.make_buildings': 'Immeubles construits à partir des adresses',
  'field.cut_turfs': 'Découpage en secteurs de porte-à-porte',
  'messaging.send': 'Envoi d’un e-mail aux contacts',
  'people.retention': 'Application de la politique de conservation',
  'messaging.bounces': 'Relevé de la boîte des rebonds',
  'messaging.schedule': 'Envoi programmé d’un e-mail',
  'messaging.ab_evaluate': 'Choix de la version gagnante d’un test A/B',
  'events.notify': 'Message aux inscrits d’un événement (confirmation, rappel, changement)',
  'events.staff': 'Alerte à l’équipe : place libérée à moins de 48 h',
  'listening.pass': 'Veille : relevé des sources et publications programmées',
  'factchecks.check_sources': 'Vérification des liens des sources (le vrai du faux)',
  'media.derive': 'Photos et vidéos : copies publiées sans métadonnées',
  'listening.stream': 'Veille : flux en direct de Mastodon',
};
const kindsEn: typeof kindsFr = {
  'demo.count': 'Demonstration job',
  'imports.people': 'People import',
  'field.make_buildings': 'Buildings made from the addresses',
  'field.cut_turfs': 'Cutting canvassing turfs',
  'messaging.send': 'Mailing send',
  'people.retention': 'Retention policy run',
  'messaging.bounces': 'Reading the bounce mailbox',
  'messaging.schedule': 'Scheduled mailing',
  'messaging.ab_evaluate': 'Picking the winning version of an A/B test',
  'events.notify': 'Message to an event’s attendees (confirmation, reminder, change)',
  'events.staff': 'Staff alert: a seat freed less than 48 hours before',
  'listening.pass': 'Listening: polling the sources and scheduled posts',
  'factchecks.check_sources': "Checking fact checks' source links",
  'media.derive': 'Photos and videos: published copies without metadata',
  'listening.stream': "Listening: Mastodon's live stream",
};
export const jobKindLabels = { fr: kindsFr, en: kindsEn };

/** The step a job is at, from the stable code it reports (ctx.progress's message). */
const stepsFr = {
  'demo.counting': 'Comptage des personnes par étape de l’échelle',
  'imports.reading': 'Lecture et vérification des lignes',
  'field.buildings.reading': 'Lecture des adresses',
  'field.buildings.writing': 'Enregistrement des immeubles',
  'field.buildings.done': 'Immeubles enregistrés',
  'field.cut.reading': 'Lecture des immeubles de la zone',
  'field.cut.cutting': 'Découpage en secteurs',
  'field.cut.saving': 'Enregistrement des secteurs',
  'field.cut.done': 'Secteurs enregistrés',
  'imports.writing': 'Enregistrement des personnes',
  'messaging.sending': 'Envoi des messages',
  'people.retention': 'Anonymisation des contacts sans activité',
  'bounces.reading': 'Lecture des rebonds et des plaintes',
};
const stepsEn: typeof stepsFr = {
  'demo.counting': 'Counting people per ladder stage',
  'imports.reading': 'Reading and checking the rows',
  'field.buildings.reading': 'Reading the addresses',
  'field.buildings.writing': 'Saving the buildings',
  'field.buildings.done': 'Buildings saved',
  'field.cut.reading': 'Reading the zone’s buildings',
  'field.cut.cutting': 'Cutting into turfs',
  'field.cut.saving': 'Saving the turfs',
  'field.cut.done': 'Turfs saved',
  'imports.writing': 'Saving the people',
  'messaging.sending': 'Sending the messages',
  'people.retention': 'Anonymising contacts without activity',
  'bounces.reading': 'Reading the bounces and complaints',
};
export const jobStepLabels = { fr: stepsFr, en: stepsEn };
