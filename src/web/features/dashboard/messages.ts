// Texts of the dashboard, and the labels of the engagement ladder (also used by the territory screen).
import type { Stage } from './api.ts';

const stagesFr: Record<Stage, string> = {
  curious: 'Curieux',
  sympathizer: 'Sympathisants',
  volunteer: 'Volontaires',
  activist: 'Militants',
};

const stagesEn: typeof stagesFr = {
  curious: 'Curious',
  sympathizer: 'Sympathizers',
  volunteer: 'Volunteers',
  activist: 'Activists',
};

export const stageLabels = { fr: stagesFr, en: stagesEn };

const fr = {
  title: 'Tableau de bord',
  electionOn: 'Élection le {date}',
  daysLeft: 'J-{days}',
  scopeNote: 'Votre périmètre : {zones}',
  scopeHint: 'Les chiffres ci-dessous ne portent que sur ce périmètre.',
  peopleTotal: 'Personnes',
  peopleTotalHint: 'dans la base de contacts',
  newThisWeek: 'Nouveaux cette semaine',
  newThisWeekHint: 'contacts ajoutés depuis 7 jours',
  shareOfTotal: '{percent} du total',
  ladderTitle: "Échelle d'engagement",
  zonesTitle: 'Arrondissements',
  zonesEmpty: 'Aucune zone dans ce périmètre.',
  colZone: 'Zone',
  colPeople: 'Personnes',
  colBreakdown: 'Répartition',
  breakdownOf: 'Répartition de {zone}',
  noPeople: 'Personne pour l’instant',
  jobsTitle: 'Tâches récentes',
  jobsEmpty: 'Aucune tâche récente.',
  jobsAll: 'Toutes les tâches',
  layersTitle: 'Découpages du territoire',
  layersEmpty: 'Aucun découpage importé.',
  zonesCount: '{count} zones',
  zonesCount_one: '{count} zone',
  territoryLink: 'Voir le territoire',
  welcomeTitle: 'Bienvenue',
  welcomeText: 'Votre rôle ne donne pas accès aux chiffres de la campagne. Utilisez le menu pour accéder à vos outils.',
  emptyBase: 'La base de contacts est vide pour l’instant.',
  stageValue: '{stage} : {value}',
  stageValueShare: '{stage} : {value} ({percent})',
};

const en: typeof fr = {
  title: 'Dashboard',
  electionOn: 'Election on {date}',
  daysLeft: '{days} days to go',
  scopeNote: 'Your scope: {zones}',
  scopeHint: 'The figures below only cover this scope.',
  peopleTotal: 'People',
  peopleTotalHint: 'in the contact base',
  newThisWeek: 'New this week',
  newThisWeekHint: 'contacts added in the last 7 days',
  shareOfTotal: '{percent} of total',
  ladderTitle: 'Engagement ladder',
  zonesTitle: 'Arrondissements',
  zonesEmpty: 'No zone in this scope.',
  colZone: 'Zone',
  colPeople: 'People',
  colBreakdown: 'Breakdown',
  breakdownOf: 'Breakdown of {zone}',
  noPeople: 'Nobody yet',
  jobsTitle: 'Recent jobs',
  jobsEmpty: 'No recent jobs.',
  jobsAll: 'All jobs',
  layersTitle: 'Territory layers',
  layersEmpty: 'No layer imported.',
  zonesCount: '{count} zones',
  zonesCount_one: '{count} zone',
  territoryLink: 'See the territory',
  welcomeTitle: 'Welcome',
  welcomeText: "Your role does not give access to the campaign's figures. Use the menu to reach your tools.",
  emptyBase: 'The contact base is empty for now.',
  stageValue: '{stage}: {value}',
  stageValueShare: '{stage}: {value} ({percent})',
};

export const dashboardMessages = { fr, en };
