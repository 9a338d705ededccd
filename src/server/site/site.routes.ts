// The public site's entry page, rendered on the server (works without JavaScript).
import type { FastifyPluginAsync } from 'fastify';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const siteRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const campaign = await app.deps.database.db.selectFrom('campaign').select(['name', 'city']).orderBy('created_at').executeTakeFirst();
    const name = escapeHtml(campaign?.name ?? 'Relais');
    const city = escapeHtml(campaign?.city ?? '');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
<meta name="description" content="${name} — campagne ${city}">
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #1a1b1e; background: #f8f9fa; }
  main { max-width: 42rem; margin: 0 auto; padding: 3rem 1.25rem; }
  h1 { font-size: 2.25rem; margin: 0 0 .5rem; }
  p { font-size: 1.125rem; line-height: 1.6; }
  a { color: #1c5fb8; }
  .links a { display: inline-block; margin: .5rem 1rem .5rem 0; padding: .6rem 1rem; border-radius: .4rem; background: #1c5fb8; color: #fff; text-decoration: none; }
  .links a:focus-visible { outline: 3px solid #f08c00; outline-offset: 2px; }
</style>
</head>
<body>
<main>
  <h1>${name}</h1>
  <p>Le site public de la campagne${city ? ` à ${city}` : ''} arrive bientôt : carte des arrondissements, colistiers, événements, pétitions et « le vrai du faux ».</p>
  <p lang="en">The campaign's public site is coming soon.</p>
  <nav class="links" aria-label="Accès">
    <a href="/app/">Espace équipe</a>
    <a href="/api/docs">API pour les développeurs</a>
  </nav>
</main>
</body>
</html>`;
  });
};
