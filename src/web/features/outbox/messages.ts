// Texts of the development outbox.

const fr = {
  title: "Boîte d'envoi de développement",
  description: 'Les e-mails que Relais aurait envoyés : invitations, réinitialisations de mot de passe…',
  explain: "Aucun relais SMTP n'est configuré : les e-mails sont conservés ici.",
  disabled: "La boîte d'envoi de développement est désactivée : un relais SMTP est configuré et les e-mails partent vraiment.",
  empty: 'Aucun e-mail capturé pour le moment.',
  colTo: 'Destinataire',
  colSubject: 'Objet',
  colDate: 'Date',
  open: 'Lire',
  openLabel: "Lire l'e-mail « {subject} »",
  to: 'À : {to}',
  sentAt: 'Capturé le {date}',
  noSubject: '(sans objet)',
  count: '{count} e-mails',
  count_one: '{count} e-mail',
};

const en: typeof fr = {
  title: 'Development outbox',
  description: 'The e-mails Relais would have sent: invitations, password resets…',
  explain: 'No SMTP relay is configured: e-mails are kept here.',
  disabled: 'The development outbox is disabled: an SMTP relay is configured and e-mails are really sent.',
  empty: 'No e-mail captured yet.',
  colTo: 'To',
  colSubject: 'Subject',
  colDate: 'Date',
  open: 'Read',
  openLabel: 'Read the e-mail "{subject}"',
  to: 'To: {to}',
  sentAt: 'Captured {date}',
  noSubject: '(no subject)',
  count: '{count} e-mails',
  count_one: '{count} e-mail',
};

export const outboxMessages = { fr, en };
