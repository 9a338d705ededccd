// The words of the double opt-in pages, in French and English (server-rendered: the web app's
// catalogs are not loaded there). Values are plain text; the pages escape them.
import type { PageLang } from '../../http/public-page.ts';

interface Words {
  invalidTitle: string;
  invalidText: string;
  goneTitle: string;
  goneText: string;
  crossSiteTitle: string;
  crossSiteText: string;
  expiredTitle: string;
  expiredText: string;
  resend: string;
  changedTitle: string;
  changedText: (email: string) => string;
  pendingTitle: string;
  pendingText: (campaign: string, email: string) => string;
  confirm: string;
  confirmedTitle: string;
  alreadyTitle: string;
  alreadyText: string;
  confirmedText: (campaign: string, email: string) => string;
  rateTitle: string;
  rateText: string;
  resentTitle: string;
  resentText: string;
  sendFailedTitle: string;
  sendFailedText: string;
}

export const CONFIRMATION_WORDS: Record<PageLang, Words> = {
  fr: {
    invalidTitle: 'Lien non valide',
    invalidText:
      'Ce lien de confirmation n’est pas valide : il a peut-être été coupé ou modifié. Utilisez le lien complet du message reçu.',
    goneTitle: 'Inscription introuvable',
    goneText: 'Cette demande d’inscription n’existe plus.',
    crossSiteTitle: 'Demande refusée',
    crossSiteText: 'Ce formulaire a été envoyé depuis un autre site. Ouvrez le lien du message reçu pour confirmer votre adresse.',
    expiredTitle: 'Lien expiré',
    expiredText: 'Ce lien de confirmation n’est plus valable (il l’est 48 heures). Vous pouvez recevoir un nouveau lien à la même adresse.',
    resend: 'M’envoyer un nouveau lien',
    changedTitle: 'Adresse modifiée',
    changedText: (email) =>
      `L’adresse ${email} n’est plus celle de votre inscription : inscrivez-vous à nouveau avec votre adresse actuelle.`,
    pendingTitle: 'Confirmer mon adresse e-mail',
    pendingText: (campaign, email) => `Pour recevoir les e-mails de ${campaign} à l’adresse ${email}, confirmez votre inscription.`,
    confirm: 'Je confirme mon inscription',
    confirmedTitle: 'Adresse confirmée',
    alreadyTitle: 'Adresse déjà confirmée',
    alreadyText: 'Votre adresse est déjà confirmée : il n’y a rien d’autre à faire.',
    confirmedText: (campaign, email) =>
      `Merci : ${campaign} pourra vous écrire à l’adresse ${email}. Chaque e-mail contient un lien pour changer d’avis.`,
    rateTitle: 'Trop de demandes',
    rateText:
      'Un lien a été envoyé il y a peu, ou trop de liens ont déjà été envoyés. Vérifiez votre boîte de réception (et les indésirables) ou réessayez plus tard.',
    resentTitle: 'Nouveau lien envoyé',
    resentText: 'Un nouveau lien de confirmation vient de vous être envoyé. Il est valable 48 heures.',
    sendFailedTitle: 'Envoi impossible pour le moment',
    sendFailedText: 'Le message n’a pas pu partir. Réessayez dans quelques minutes.',
  },
  en: {
    invalidTitle: 'Invalid link',
    invalidText: 'This confirmation link is not valid: it may have been cut or changed. Use the whole link of the message you received.',
    goneTitle: 'Sign-up not found',
    goneText: 'This sign-up request no longer exists.',
    crossSiteTitle: 'Request refused',
    crossSiteText: 'This form was sent from another website. Open the link of the message you received to confirm your address.',
    expiredTitle: 'Expired link',
    expiredText: 'This confirmation link is no longer valid (it lasts 48 hours). You can get a new link at the same address.',
    resend: 'Send me a new link',
    changedTitle: 'Address changed',
    changedText: (email) => `${email} is no longer the address of your sign-up: sign up again with your current address.`,
    pendingTitle: 'Confirm my e-mail address',
    pendingText: (campaign, email) => `To receive e-mails from ${campaign} at ${email}, confirm your sign-up.`,
    confirm: 'I confirm my sign-up',
    confirmedTitle: 'Address confirmed',
    alreadyTitle: 'Address already confirmed',
    alreadyText: 'Your address is already confirmed: there is nothing more to do.',
    confirmedText: (campaign, email) => `Thank you: ${campaign} may now write to ${email}. Every e-mail has a link to change your mind.`,
    rateTitle: 'Too many requests',
    rateText:
      'A link was sent a short while ago, or too many links were sent already. Check your inbox (and spam folder) or try again later.',
    resentTitle: 'New link sent',
    resentText: 'A new confirmation link was just sent to you. It is valid for 48 hours.',
    sendFailedTitle: 'Cannot send for now',
    sendFailedText: 'The message could not be sent. Try again in a few minutes.',
  },
};
