// The words of the unsubscribe and preference pages, in French and English (server-rendered: the
// web app's catalogs are not loaded there). Values are plain text; the pages escape them.
import type { EmailTopic } from '../../../shared/enums.ts';
import type { PageLang } from '../../http/public-page.ts';

interface Words {
  invalidTitle: string;
  invalidText: string;
  goneTitle: string;
  goneText: string;
  crossSiteTitle: string;
  crossSiteText: string;
  incompleteTitle: string;
  incompleteText: string;
  prefsTitle: string;
  prefsIntro: (campaign: string, email: string) => string;
  topicsLegend: string;
  topics: Record<EmailTopic, { label: string; hint: string }>;
  save: string;
  saved: string;
  unchanged: string;
  allTitle: string;
  allText: string;
  unsubscribeAll: string;
  unsubscribedTitle: string;
  unsubscribedText: (campaign: string, email: string) => string;
}

export const PREFERENCE_WORDS: Record<PageLang, Words> = {
  fr: {
    invalidTitle: 'Lien non valide',
    invalidText: 'Ce lien n’est pas valide : il a peut-être été coupé ou modifié. Utilisez le lien complet du message reçu.',
    goneTitle: 'Lien expiré',
    goneText: 'Ce message n’existe plus dans nos envois.',
    crossSiteTitle: 'Demande refusée',
    crossSiteText: 'Ce formulaire a été envoyé depuis un autre site. Ouvrez le lien du message reçu pour modifier vos choix.',
    incompleteTitle: 'Demande incomplète',
    incompleteText: 'Pour modifier vos choix, utilisez les boutons de la page de préférences.',
    prefsTitle: 'Mes préférences d’e-mails',
    prefsIntro: (campaign, email) => `Choisissez ce que ${campaign} envoie à l’adresse ${email}.`,
    topicsLegend: 'Je veux recevoir',
    topics: {
      newsletter: { label: 'La lettre d’information', hint: 'Les nouvelles de la campagne, chaque semaine.' },
      local: { label: 'Les nouvelles de mon arrondissement', hint: 'Ce qui se passe près de chez vous.' },
      events: { label: 'Les invitations aux événements', hint: 'Réunions publiques, rencontres, porte-à-porte.' },
    },
    save: 'Enregistrer mes choix',
    saved: 'Vos choix sont enregistrés.',
    unchanged: 'Rien n’a changé : vos choix étaient déjà ceux-ci.',
    allTitle: 'Ne plus rien recevoir',
    allText: 'Vous ne recevrez plus aucun e-mail de la campagne.',
    unsubscribeAll: 'Me désinscrire de tout',
    unsubscribedTitle: 'Vous êtes désinscrit·e',
    unsubscribedText: (campaign, email) => `L’adresse ${email} ne reçoit plus les e-mails de ${campaign}.`,
  },
  en: {
    invalidTitle: 'Invalid link',
    invalidText: 'This link is not valid: it may have been cut or changed. Use the whole link of the message you received.',
    goneTitle: 'Expired link',
    goneText: 'This message is no longer among our mailings.',
    crossSiteTitle: 'Request refused',
    crossSiteText: 'This form was sent from another website. Open the link of the message you received to change your choices.',
    incompleteTitle: 'Incomplete request',
    incompleteText: 'To change your choices, use the buttons of the preferences page.',
    prefsTitle: 'My e-mail preferences',
    prefsIntro: (campaign, email) => `Choose what ${campaign} sends to ${email}.`,
    topicsLegend: 'I want to receive',
    topics: {
      newsletter: { label: 'The newsletter', hint: 'News of the campaign, every week.' },
      local: { label: 'News of my arrondissement', hint: 'What happens near you.' },
      events: { label: 'Event invitations', hint: 'Public meetings, gatherings, door-to-door.' },
    },
    save: 'Save my choices',
    saved: 'Your choices are saved.',
    unchanged: 'Nothing changed: these were already your choices.',
    allTitle: 'Receive nothing more',
    allText: 'You will receive no more e-mails from the campaign.',
    unsubscribeAll: 'Unsubscribe from everything',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribedText: (campaign, email) => `The address ${email} no longer receives e-mails from ${campaign}.`,
  },
};
