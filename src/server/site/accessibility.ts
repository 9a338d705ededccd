// The accessibility declaration (/accessibilite) in the model of the RGAA 4.1 (the French
// application of WCAG 2.1 AA): the entity's commitment, conformity state, content not accessible,
// how the declaration was made, feedback and contact, and recourse (Défenseur des droits).
import { escapeHtml, type PageLang } from './layout.ts';

/** When the site's own audit was last run (the axe-core checks of every page template in CI). */
const ASSESSED = '2026-12';

export function accessibilityBody(lang: PageLang, campaignName: string, baseUrl: string): string {
  const name = escapeHtml(campaignName);
  const url = escapeHtml(baseUrl);
  if (lang === 'en') {
    return `<h1>Accessibility statement</h1>
<p>${name} is committed to making its website accessible, in accordance with article 47 of French law no. 2005-102 of 11 February 2005. This statement applies to <a href="${url}/">${url}</a>.</p>
<h2>Compliance status</h2>
<p>The site is <strong>partially compliant</strong> with the French accessibility framework (RGAA), version 4.1, because of the non-compliances and exemptions listed below.</p>
<h2>Test results</h2>
<p>No full audit by an independent body has been carried out yet. Every page template (home, districts, news, pages, forms) is checked automatically with axe-core against the WCAG 2.1 A and AA rules at each change of the software; none of these checks fails.</p>
<h2>Non-accessible content</h2>
<h3>Non-compliances</h3>
<ul><li>Images and texts uploaded by the campaign's editors may lack a text alternative or a translation: editors are asked for one, but it is not enforced.</li></ul>
<h3>Exempt content</h3>
<ul><li>Documents published before the site went online and third-party content the campaign does not control.</li></ul>
<h2>How this statement was made</h2>
<p>This statement was made in ${ASSESSED}. Technologies used: HTML, CSS, SVG; JavaScript only enhances pages that work without it. Tools: axe-core in Chromium, keyboard and screen-reader checks (NVDA, VoiceOver), pages at 200 % zoom and at 320 px width.</p>
<h2>Feedback and contact</h2>
<p>If you cannot access a content or a service, contact the campaign to be directed to an accessible alternative or to receive the content in another form, through the team area or by writing to the campaign's address shown on this site.</p>
<h2>Recourse</h2>
<p>If you reported a lack of accessibility that prevents you from accessing a content or a service and received no satisfactory answer, you may write to the Défenseur des droits (online form at defenseurdesdroits.fr, by post: Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07), or contact one of its delegates in your region.</p>`;
  }
  return `<h1>Déclaration d’accessibilité</h1>
<p>${name} s’engage à rendre son site internet accessible conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration d’accessibilité s’applique au site <a href="${url}/">${url}</a>.</p>
<h2>État de conformité</h2>
<p>Le site est <strong>partiellement conforme</strong> avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1, en raison des non-conformités et des dérogations énumérées ci-dessous.</p>
<h2>Résultats des tests</h2>
<p>Aucun audit complet par un organisme indépendant n’a encore été réalisé. Chaque gabarit de page (accueil, arrondissements, actualités, pages, formulaires) est vérifié automatiquement avec axe-core selon les règles WCAG 2.1 A et AA à chaque évolution du logiciel ; aucune de ces vérifications n’échoue.</p>
<h2>Contenus non accessibles</h2>
<h3>Non-conformités</h3>
<ul><li>Les images et les textes déposés par les personnes qui rédigent le site peuvent manquer d’alternative textuelle ou de traduction : elle leur est demandée, sans être imposée.</li></ul>
<h3>Dérogations pour charge disproportionnée</h3>
<ul><li>Aucune.</li></ul>
<h3>Contenus non soumis à l’obligation d’accessibilité</h3>
<ul><li>Les documents publiés avant la mise en ligne du site et les contenus de tiers que la campagne ne maîtrise pas.</li></ul>
<h2>Établissement de cette déclaration d’accessibilité</h2>
<p>Cette déclaration a été établie en décembre 2026.</p>
<h3>Technologies utilisées pour la réalisation du site</h3>
<ul><li>HTML</li><li>CSS</li><li>SVG</li><li>JavaScript (amélioration seulement : les pages fonctionnent sans)</li></ul>
<h3>Environnement de test</h3>
<ul><li>Chromium avec axe-core</li><li>Firefox avec NVDA</li><li>Safari avec VoiceOver</li></ul>
<h3>Outils pour évaluer l’accessibilité</h3>
<ul><li>axe-core (règles WCAG 2.1 A et AA)</li><li>Navigation au clavier, zoom à 200 %, affichage à 320 pixels de large</li></ul>
<h3>Pages du site ayant fait l’objet de la vérification de conformité</h3>
<ul><li>Accueil</li><li>Arrondissements et page d’un arrondissement</li><li>Actualités et page d’une actualité</li><li>Déclaration d’accessibilité</li></ul>
<h2>Retour d’information et contact</h2>
<p>Si vous n’arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter la campagne pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme, à l’adresse indiquée sur ce site.</p>
<h2>Voies de recours</h2>
<p>Cette procédure est à utiliser dans le cas suivant : vous avez signalé un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un des services du site et vous n’avez pas obtenu de réponse satisfaisante.</p>
<ul>
<li>Écrire un message au Défenseur des droits (formulaire en ligne sur defenseurdesdroits.fr)</li>
<li>Contacter le délégué du Défenseur des droits dans votre région</li>
<li>Envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07</li>
</ul>`;
}
