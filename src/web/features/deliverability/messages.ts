// Texts of deliverability: the settings tab (DNS records, caps per receiving domain, thresholds),
// the complaint-rate banner of the messaging screens and the circuit breaker's reasons.

const fr = {
  // Records
  recordsTitle: 'Enregistrements DNS à publier',
  recordsHint:
    'Gmail, Yahoo et Microsoft exigent des envois en nombre un SPF et une signature DKIM alignés sur le domaine de l’expéditeur, et une politique DMARC. Publiez ces enregistrements TXT dans la zone DNS du domaine.',
  fromDomain: 'Domaine de l’expéditeur\u00a0: {domain}',
  kind_spf: 'SPF',
  kind_dkim: 'DKIM',
  kind_dmarc: 'DMARC',
  recordName: 'Nom',
  recordValue: 'Valeur',
  recordType: 'Type',
  copy: 'Copier',
  copied: 'Copié',
  copyName: 'Copier le nom de l’enregistrement {kind}',
  copyValue: 'Copier la valeur de l’enregistrement {kind}',
  noDkimKey:
    'Aucune clé DKIM n’est configurée sur ce serveur (réglages DKIM_DOMAIN, DKIM_SELECTOR et DKIM_PRIVATE_KEY)\u00a0: les messages partent sans signature.',
  alignedSpf: 'SPF aligné\u00a0: l’adresse de retour ({domain}) appartient au domaine de l’expéditeur.',
  notAlignedSpf: 'SPF non aligné\u00a0: l’adresse de retour ({domain}) n’appartient pas au domaine de l’expéditeur.',
  alignedDkim: 'DKIM aligné\u00a0: la signature ({domain}) est celle du domaine de l’expéditeur.',
  notAlignedDkim: 'DKIM non aligné\u00a0: la signature ({domain}) n’est pas celle du domaine de l’expéditeur.',
  noDkimAlignment: 'DKIM\u00a0: pas de signature, donc pas d’alignement.',
  check: 'Vérifier dans le DNS',
  checkedAt: 'Vérifié le {date}',
  status_present: 'Présent',
  status_missing: 'Absent',
  status_wrong: 'Incorrect',
  status_unreachable: 'DNS injoignable',
  status_not_configured: 'Non configuré',
  found: 'Trouvé\u00a0: {value}',
  problem_spf_several: 'Plusieurs enregistrements SPF\u00a0: il ne doit y en avoir qu’un.',
  problem_spf_mechanism_missing: 'L’enregistrement SPF n’autorise pas tous les serveurs d’envoi indiqués ci-dessous.',
  problem_dkim_key_differs: 'La clé publiée n’est pas celle qui signe les messages.',
  problem_dmarc_several: 'Plusieurs enregistrements DMARC\u00a0: il ne doit y en avoir qu’un.',
  problem_dmarc_policy_invalid: 'L’enregistrement DMARC n’a pas de politique valide (p=none, quarantine ou reject).',
  problem_unreachable: 'Le serveur DNS n’a pas répondu\u00a0; réessayez plus tard.',

  // SPF / DMARC settings
  spfTitle: 'SPF et DMARC',
  spfIncludes: 'Domaines «\u00a0include\u00a0» du relais d’envoi',
  spfIncludesHint: 'Un par ligne, ex. spf.fournisseur.fr',
  spfIps: 'Adresses IP d’envoi',
  spfIpsHint: 'Une par ligne, ex. 192.0.2.10',
  dmarcPolicy: 'Politique DMARC',
  dmarc_none: 'Aucune action (p=none, pour commencer)',
  dmarc_quarantine: 'Mettre en quarantaine (p=quarantine)',
  dmarc_reject: 'Rejeter (p=reject)',
  dmarcReport: 'Adresse des rapports DMARC (facultatif)',

  // Caps
  capsTitle: 'Limites par domaine destinataire',
  capsHint:
    'Les messageries (Orange, Free, SFR, Gmail…) ralentissent ou refusent un expéditeur qui leur envoie trop vite. Chaque processus d’envoi respecte ces limites\u00a0; les messages vers un domaine limité attendent, les autres partent.',
  defaultCaps: 'Par défaut (tout autre domaine)',
  connections: 'Envois simultanés',
  ratePerMinute: 'Messages par minute',
  domain: 'Domaine',
  domainPlaceholder: 'ex. orange.fr',
  addDomain: 'Ajouter un domaine',
  removeDomain: 'Retirer le domaine {domain}',
  domainInvalid: 'Un nom de domaine, ex. free.fr.',
  domainTwice: 'Ce domaine a déjà sa ligne.',

  // Thresholds
  thresholdsTitle: 'Seuils de plaintes et disjoncteur',
  thresholdsHint:
    'Taux de plaintes sur 24 heures glissantes (plaintes / messages envoyés non rejetés)\u00a0: une alerte au premier seuil, les envois suspendus au second jusqu’à leur reprise par un administrateur.',
  complaintAlert: 'Alerte à partir de',
  complaintPause: 'Suspension à partir de',
  complaintMinSent: 'Seulement après (messages envoyés sur 24 h)',
  breakerHint:
    'Disjoncteur de chaque envoi\u00a0: il est mis en pause si ses désinscriptions ou ses plaintes dépassent ces taux, une fois assez de messages remis.',
  breakerUnsubscribe: 'Désinscriptions',
  breakerComplaint: 'Plaintes',
  breakerMinDelivered: 'Après (messages remis)',
  alertAbovePause: 'L’alerte doit venir avant la suspension.',
  save: 'Enregistrer',
  saved: 'Enregistré.',
  unsaved: 'Modifications non enregistrées.',
  invalid: 'Corrigez les champs signalés avant d’enregistrer.',

  // Banner
  bannerAlertTitle: 'Taux de plaintes élevé',
  bannerAlert:
    '{rate} des messages envoyés ces dernières 24 heures ont été signalés comme indésirables ({complaints} plaintes sur {sent}). Au-delà de {pause}, les envois seront suspendus.',
  bannerPausedTitle: 'Envois suspendus',
  bannerPaused:
    'Le taux de plaintes a atteint {rate} le {date} (seuil\u00a0: {pause}). Aucun envoi ne part jusqu’à ce qu’un administrateur les reprenne. Vérifiez d’abord l’audience et le contenu.',
  bannerPausedNoRight: 'Un administrateur de la campagne peut reprendre les envois.',
  resume: 'Reprendre les envois',
  rateNow: 'Taux actuel\u00a0: {rate} ({complaints} plaintes sur {sent} messages en 24 h).',

  // Circuit breaker
  reason_unsubscribe_rate: 'Arrêté par le disjoncteur\u00a0: trop de désinscriptions.',
  reason_complaint_rate: 'Arrêté par le disjoncteur\u00a0: trop de plaintes.',
};

const en: typeof fr = {
  recordsTitle: 'DNS records to publish',
  recordsHint:
    'Gmail, Yahoo and Microsoft require bulk senders to have SPF and a DKIM signature aligned with the From domain, and a DMARC policy. Publish these TXT records in the domain’s DNS zone.',
  fromDomain: 'From domain: {domain}',
  kind_spf: 'SPF',
  kind_dkim: 'DKIM',
  kind_dmarc: 'DMARC',
  recordName: 'Name',
  recordValue: 'Value',
  recordType: 'Type',
  copy: 'Copy',
  copied: 'Copied',
  copyName: 'Copy the name of the {kind} record',
  copyValue: 'Copy the value of the {kind} record',
  noDkimKey: 'No DKIM key is configured on this server (DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY): messages go out unsigned.',
  alignedSpf: 'SPF aligned: the return path ({domain}) belongs to the From domain.',
  notAlignedSpf: 'SPF not aligned: the return path ({domain}) does not belong to the From domain.',
  alignedDkim: 'DKIM aligned: the signature ({domain}) is the From domain’s.',
  notAlignedDkim: 'DKIM not aligned: the signature ({domain}) is not the From domain’s.',
  noDkimAlignment: 'DKIM: no signature, so no alignment.',
  check: 'Check in DNS',
  checkedAt: 'Checked on {date}',
  status_present: 'Present',
  status_missing: 'Missing',
  status_wrong: 'Wrong',
  status_unreachable: 'DNS unreachable',
  status_not_configured: 'Not configured',
  found: 'Found: {value}',
  problem_spf_several: 'Several SPF records: there must be only one.',
  problem_spf_mechanism_missing: 'The SPF record does not allow every sending server listed below.',
  problem_dkim_key_differs: 'The published key is not the one signing the messages.',
  problem_dmarc_several: 'Several DMARC records: there must be only one.',
  problem_dmarc_policy_invalid: 'The DMARC record has no valid policy (p=none, quarantine or reject).',
  problem_unreachable: 'The DNS server did not answer; try again later.',

  spfTitle: 'SPF and DMARC',
  spfIncludes: '“include” domains of the sending relay',
  spfIncludesHint: 'One per line, e.g. spf.provider.com',
  spfIps: 'Sending IP addresses',
  spfIpsHint: 'One per line, e.g. 192.0.2.10',
  dmarcPolicy: 'DMARC policy',
  dmarc_none: 'No action (p=none, to start with)',
  dmarc_quarantine: 'Quarantine (p=quarantine)',
  dmarc_reject: 'Reject (p=reject)',
  dmarcReport: 'Address for DMARC reports (optional)',

  capsTitle: 'Caps per receiving domain',
  capsHint:
    'Mailbox providers (Orange, Free, SFR, Gmail…) slow down or refuse a sender that sends them too fast. Each sending process keeps to these caps; messages to a capped domain wait, the others go on.',
  defaultCaps: 'Default (any other domain)',
  connections: 'Messages at once',
  ratePerMinute: 'Messages a minute',
  domain: 'Domain',
  domainPlaceholder: 'e.g. orange.fr',
  addDomain: 'Add a domain',
  removeDomain: 'Remove the domain {domain}',
  domainInvalid: 'A domain name, e.g. free.fr.',
  domainTwice: 'This domain already has its line.',

  thresholdsTitle: 'Complaint thresholds and circuit breaker',
  thresholdsHint:
    'Complaint rate over a rolling 24 hours (complaints / messages sent and not bounced): an alert at the first threshold, sending paused at the second until an admin resumes it.',
  complaintAlert: 'Alert from',
  complaintPause: 'Pause from',
  complaintMinSent: 'Only after (messages sent in 24 h)',
  breakerHint:
    'Circuit breaker of each send: it is paused when its unsubscribes or complaints cross these rates, once enough messages were delivered.',
  breakerUnsubscribe: 'Unsubscribes',
  breakerComplaint: 'Complaints',
  breakerMinDelivered: 'After (messages delivered)',
  alertAbovePause: 'The alert must come before the pause.',
  save: 'Save',
  saved: 'Saved.',
  unsaved: 'Unsaved changes.',
  invalid: 'Fix the marked fields before saving.',

  bannerAlertTitle: 'High complaint rate',
  bannerAlert:
    '{rate} of the messages sent in the last 24 hours were reported as spam ({complaints} complaints out of {sent}). Past {pause}, sending will be paused.',
  bannerPausedTitle: 'Sending paused',
  bannerPaused:
    'The complaint rate reached {rate} on {date} (threshold: {pause}). Nothing goes out until an admin resumes sending. Check the audience and the content first.',
  bannerPausedNoRight: 'An admin of the campaign can resume sending.',
  resume: 'Resume sending',
  rateNow: 'Rate now: {rate} ({complaints} complaints out of {sent} messages in 24 h).',

  reason_unsubscribe_rate: 'Stopped by the circuit breaker: too many unsubscribes.',
  reason_complaint_rate: 'Stopped by the circuit breaker: too many complaints.',
};

export const deliverabilityMessages = { fr, en };
