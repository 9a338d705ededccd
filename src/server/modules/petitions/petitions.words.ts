// The public pages' words, French first, English second. Consent texts are recorded verbatim with
// the consent, so each one is a single sentence of its own.
import type { SignupForm } from './submissions.ts';

export const FORM_WORDS: Record<
  SignupForm,
  { fr: { title: string; intro: string; button: string }; en: { title: string; intro: string; button: string } }
> = {
  newsletter: {
    fr: {
      title: 'Recevoir la lettre d’information',
      intro: 'Une lettre par semaine au plus : les nouvelles de la campagne, les rendez-vous près de chez vous.',
      button: 'Je m’inscris',
    },
    en: {
      title: 'Get the newsletter',
      intro: 'At most one letter a week: the campaign’s news and the meetings near you.',
      button: 'Sign me up',
    },
  },
  volunteer: {
    fr: {
      title: 'Devenir bénévole',
      intro:
        'Porte-à-porte, tractage, accueil des événements : dites-nous comment vous souhaitez aider, une personne de l’équipe vous recontacte.',
      button: 'Je propose mon aide',
    },
    en: {
      title: 'Volunteer',
      intro:
        'Door knocking, leafleting, welcoming people at events: tell us how you would like to help and someone from the team will get back to you.',
      button: 'I want to help',
    },
  },
  popup: {
    fr: {
      title: 'Accueillir un pop-up',
      intro: 'Un apéritif, un café, un pied d’immeuble : accueillez une rencontre avec l’équipe de votre quartier.',
      button: 'Je propose d’accueillir',
    },
    en: {
      title: 'Host a pop-up',
      intro: 'A drink, a coffee, a chat at the foot of your building: host a meeting with your neighbourhood’s team.',
      button: 'I offer to host',
    },
  },
};

export const CONSENT_TEXT = {
  fr: (campaign: string) =>
    `J’accepte que ${campaign} m’écrive par e-mail au sujet de la campagne. Je peux me désinscrire à tout moment par le lien présent dans chaque message.`,
  en: (campaign: string) =>
    `I agree that ${campaign} may e-mail me about the campaign. I can unsubscribe at any time through the link in every message.`,
};

export const PETITION_NEWS_TEXT = {
  fr: (campaign: string) => `Je souhaite recevoir les nouvelles de ${campaign} par e-mail (facultatif).`,
  en: (campaign: string) => `I would like to receive ${campaign}’s news by e-mail (optional).`,
};

export const W = {
  fr: {
    petitions: 'Pétitions',
    petition: 'Pétition',
    petitionsIntro: 'Signez, partagez : chaque signature confirmée compte.',
    none: 'Aucune pétition pour le moment.',
    target: 'Adressée à',
    colon: ' : ',
    signatures: (n: number) => `${n.toLocaleString('fr-FR')} signature${n > 1 ? 's' : ''}`,
    goal: (n: number, goal: number) =>
      `${n.toLocaleString('fr-FR')} signature${n > 1 ? 's' : ''} sur un objectif de ${goal.toLocaleString('fr-FR')}`,
    progress: 'Progression vers l’objectif',
    thresholds: 'Les étapes',
    reached: 'atteinte',
    toReach: 'à atteindre',
    answer: 'La réponse',
    answerFrom: (target: string) => `Réponse de la personne destinataire${target ? ` (${target})` : ''}`,
    answeredOn: (d: Date) =>
      `Publiée le ${d.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' })}`,
    sign: 'Signer la pétition',
    signButton: 'Je signe',
    closed: 'Cette pétition est close : elle ne reçoit plus de signatures.',
    givenName: 'Prénom',
    familyName: 'Nom',
    email: 'Adresse e-mail',
    postalCode: 'Code postal',
    postalHint: 'Pour compter les signatures par arrondissement.',
    postalHintSignup: 'Pour vous proposer les rendez-vous de votre arrondissement.',
    phone: 'Téléphone (facultatif)',
    message: 'Votre message (facultatif)',
    publicName: 'Afficher mon prénom et l’initiale de mon nom parmi les signataires (facultatif).',
    required: 'obligatoire',
    latest: 'Dernières signatures publiques',
    openData: 'Données ouvertes : signatures par arrondissement',
    json: 'JSON',
    csv: 'CSV',
    byArrondissement: 'Signatures par arrondissement',
    unknownZone: 'Hors Paris ou non précisé',
    badEmail: 'Cette adresse e-mail ne semble pas valide. Vérifiez-la puis renvoyez le formulaire.',
    errorTitle: 'Le formulaire contient une erreur',
    thanksTitle: 'Merci ! Vérifiez votre boîte e-mail',
    thanksText: (email: string) =>
      `Nous venons d’envoyer un lien de confirmation. Ouvrez-le et cliquez sur « Je confirme » : rien n’est enregistré avant ce clic. Le lien est valable 7 jours.${email ? '' : ''}`,
    share: 'Faites passer le mot',
    shareText: 'Plus nous serons nombreux, plus nous pèserons. Partagez :',
    shareMail: 'Par e-mail',
    shareCopy: 'Adresse à copier',
    confirmTitle: 'Confirmez votre adresse',
    confirmText: (email: string, what: string) => `Confirmez que ${email} est bien votre adresse pour valider : ${what}.`,
    confirmButton: 'Je confirme',
    confirmedTitle: 'C’est confirmé, merci !',
    confirmedPetition: 'Votre signature est comptée.',
    confirmedSignup: 'Votre inscription est enregistrée.',
    alreadyTitle: 'Déjà confirmé',
    alreadyText: 'Cette confirmation a déjà été faite : rien de plus à faire.',
    expiredTitle: 'Lien expiré',
    expiredText: 'Ce lien a plus de 7 jours. Renvoyez le formulaire pour en recevoir un nouveau.',
    goneTitle: 'Lien inconnu',
    goneText: 'Ce lien ne correspond à aucune demande en cours.',
    notFound: 'Page introuvable',
    notFoundText: 'Cette page n’existe pas ou plus.',
    back: 'Retour aux pétitions',
    feeds: 'Flux RSS et Atom des pétitions',
    whatPetition: (title: string) => `la signature de la pétition « ${title} »`,
    whatSignup: (title: string) => `votre inscription « ${title} »`,
  },
  en: {
    petitions: 'Petitions',
    petition: 'Petition',
    petitionsIntro: 'Sign and share: every confirmed signature counts.',
    none: 'No petition at the moment.',
    target: 'Addressed to',
    colon: ': ',
    signatures: (n: number) => `${n.toLocaleString('en-GB')} signature${n === 1 ? '' : 's'}`,
    goal: (n: number, goal: number) =>
      `${n.toLocaleString('en-GB')} signature${n === 1 ? '' : 's'} of a goal of ${goal.toLocaleString('en-GB')}`,
    progress: 'Progress towards the goal',
    thresholds: 'Milestones',
    reached: 'reached',
    toReach: 'to reach',
    answer: 'The answer',
    answerFrom: (target: string) => `Answer of the target${target ? ` (${target})` : ''}`,
    answeredOn: (d: Date) =>
      `Published on ${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' })}`,
    sign: 'Sign the petition',
    signButton: 'I sign',
    closed: 'This petition is closed: it no longer takes signatures.',
    givenName: 'First name',
    familyName: 'Last name',
    email: 'E-mail address',
    postalCode: 'Postcode',
    postalHint: 'To count signatures per district.',
    postalHintSignup: 'To tell you about the meetings in your district.',
    phone: 'Phone (optional)',
    message: 'Your message (optional)',
    publicName: 'Show my first name and initial among the signatories (optional).',
    required: 'required',
    latest: 'Latest public signatures',
    openData: 'Open data: signatures per district',
    json: 'JSON',
    csv: 'CSV',
    byArrondissement: 'Signatures per district',
    unknownZone: 'Outside Paris or not given',
    badEmail: 'This e-mail address does not look valid. Check it and send the form again.',
    errorTitle: 'The form has an error',
    thanksTitle: 'Thank you! Check your inbox',
    thanksText: (_email: string) =>
      'We have just sent you a confirmation link. Open it and click "I confirm": nothing is recorded before that click. The link is valid for 7 days.',
    share: 'Spread the word',
    shareText: 'The more we are, the more weight we carry. Share:',
    shareMail: 'By e-mail',
    shareCopy: 'Address to copy',
    confirmTitle: 'Confirm your address',
    confirmText: (email: string, what: string) => `Confirm that ${email} is your address to validate ${what}.`,
    confirmButton: 'I confirm',
    confirmedTitle: 'Confirmed, thank you!',
    confirmedPetition: 'Your signature counts.',
    confirmedSignup: 'Your signup is recorded.',
    alreadyTitle: 'Already confirmed',
    alreadyText: 'This was already confirmed: nothing more to do.',
    expiredTitle: 'Link expired',
    expiredText: 'This link is more than 7 days old. Send the form again to receive a new one.',
    goneTitle: 'Unknown link',
    goneText: 'This link matches no pending request.',
    notFound: 'Page not found',
    notFoundText: 'This page does not exist (any more).',
    back: 'Back to the petitions',
    feeds: 'RSS and Atom feeds of the petitions',
    whatPetition: (title: string) => `your signature of the petition "${title}"`,
    whatSignup: (title: string) => `your signup "${title}"`,
  },
} as const;
