// A local X API v2 on loopback for tests: recent search (GET /2/tweets/search/recent with since_id,
// max_results, next_token paging, expansions=author_id and includes.users, x-rate-limit-* headers,
// 429), the user context (GET /2/users/me, POST /2/tweets with a reply) with an OAuth 2.0 access
// token that can be made to expire, and POST /2/oauth2/token rotating the refresh token.
import { json, start } from './listening-servers.fixture.ts';

export const X_BEARER = 'x-app-bearer-AAAA0123456789';
export const X_USER_TOKEN = 'x-user-access-BBBB0123456789';
export const X_REFRESH_TOKEN = 'x-user-refresh-CCCC0123456789';
export const X_CLIENT_ID = 'x-client-id-relais';
export const X_USERNAME = 'equipe_relais';

export interface XTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  lang?: string;
  conversation_id?: string;
  referenced_tweets?: { type: 'replied_to' | 'quoted' | 'retweeted'; id: string }[];
}

export interface XUser {
  id: string;
  username: string;
  name: string;
  followers: number;
}

export async function startX() {
  const tweets: XTweet[] = [];
  const users = new Map<string, XUser>();
  const posted: { text: string; reply?: { in_reply_to_tweet_id: string } }[] = [];
  const counters = { search: 0, token: 0, posts: 0, postsRefused: 0 };
  const state = {
    /** Posts a page holds at most (X's own is max_results; lower to exercise paging). */
    pageSize: 100,
    userToken: X_USER_TOKEN,
    refreshToken: X_REFRESH_TOKEN,
    rotations: 0,
    /** Every user token is refused (a revoked app authorisation), even a freshly refreshed one. */
    refuseUser: false,
    /** next_token values are refused (400), as X does once a pagination token expired. */
    expiredTokens: false,
    /** The next search answers 429 with these headers. */
    next429: false,
    /** x-rate-limit-remaining on search answers. */
    remaining: 449,
    reset: Math.floor(Date.now() / 1000) + 900,
  };
  const auth = (header: string | undefined) => header?.replace(/^Bearer /, '') ?? '';
  const limitHeaders = () => ({
    'x-rate-limit-limit': '450',
    'x-rate-limit-remaining': String(state.remaining),
    'x-rate-limit-reset': String(state.reset),
  });
  const server = await start((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x.local');
    if (req.method === 'GET' && url.pathname === '/2/tweets/search/recent') {
      counters.search += 1;
      if (auth(req.headers.authorization) !== X_BEARER) return json(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401 });
      if (state.next429) {
        state.next429 = false;
        return json(res, 429, { title: 'Too Many Requests', status: 429 }, { ...limitHeaders(), 'x-rate-limit-remaining': '0' });
      }
      const max = Number(url.searchParams.get('max_results') ?? '10');
      if (!url.searchParams.get('query') || !Number.isInteger(max) || max < 10 || max > 100)
        return json(res, 400, { title: 'Invalid Request', errors: [{ message: 'max_results must be between 10 and 100' }] });
      if (state.expiredTokens && url.searchParams.get('next_token'))
        return json(res, 400, { title: 'Invalid Request', errors: [{ parameters: { next_token: ['x'] }, message: 'Invalid next_token' }] });
      const since = url.searchParams.get('since_id');
      const matching = tweets.filter((t) => !since || BigInt(t.id) > BigInt(since)).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      const offset = Number(url.searchParams.get('next_token')?.replace(/^page-/, '') ?? '0');
      const page = matching.slice(offset, offset + Math.min(max, state.pageSize));
      const expand = url.searchParams.get('expansions')?.split(',').includes('author_id');
      const meta: Record<string, unknown> = { result_count: page.length };
      if (page.length > 0) {
        meta.newest_id = page[0]?.id;
        meta.oldest_id = page.at(-1)?.id;
      }
      if (offset + page.length < matching.length) meta.next_token = `page-${offset + page.length}`;
      const authors = [...new Set(page.map((t) => t.author_id))].map((id) => users.get(id)).filter((u): u is XUser => u !== undefined);
      return json(
        res,
        200,
        {
          ...(page.length > 0 ? { data: page } : {}),
          ...(expand && authors.length > 0
            ? {
                includes: {
                  users: authors.map((u) => ({
                    id: u.id,
                    username: u.username,
                    name: u.name,
                    public_metrics: { followers_count: u.followers },
                  })),
                },
              }
            : {}),
          meta,
        },
        limitHeaders(),
      );
    }
    if (req.method === 'GET' && url.pathname === '/2/users/me') {
      if (auth(req.headers.authorization) !== state.userToken) return json(res, 401, { title: 'Unauthorized', status: 401 });
      return json(res, 200, { data: { id: '42', username: X_USERNAME, name: 'Équipe Relais' } });
    }
    if (req.method === 'POST' && url.pathname === '/2/tweets') {
      if (state.refuseUser || auth(req.headers.authorization) !== state.userToken) {
        counters.postsRefused += 1;
        return json(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      }
      counters.posts += 1;
      const post = JSON.parse(body) as { text: string; reply?: { in_reply_to_tweet_id: string } };
      posted.push(post);
      return json(res, 201, { data: { id: String(1900000000000000000n + BigInt(posted.length)), text: post.text } });
    }
    if (req.method === 'POST' && url.pathname === '/2/oauth2/token') {
      counters.token += 1;
      const form = new URLSearchParams(body);
      if (
        req.headers['content-type'] !== 'application/x-www-form-urlencoded' ||
        form.get('grant_type') !== 'refresh_token' ||
        form.get('client_id') !== X_CLIENT_ID ||
        form.get('refresh_token') !== state.refreshToken
      )
        return json(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
      state.rotations += 1;
      state.userToken = `x-user-access-rotated-${state.rotations}-DDDD`;
      state.refreshToken = `x-user-refresh-rotated-${state.rotations}-EEEE`;
      return json(res, 200, {
        token_type: 'bearer',
        expires_in: 7200,
        access_token: state.userToken,
        scope: 'tweet.read tweet.write users.read offline.access',
        refresh_token: state.refreshToken,
      });
    }
    res.writeHead(404).end();
  });
  return {
    ...server,
    tweets,
    users,
    posted,
    counters,
    state,
    /** The user's access token stops working (as after its two hours); the refresh token still works. */
    expireUserToken() {
      state.userToken = `x-user-access-expired-${Date.now()}`;
    },
    addUser(user: XUser) {
      users.set(user.id, user);
    },
    addTweet(tweet: XTweet) {
      tweets.push(tweet);
    },
    searches() {
      return server.requests
        .filter((r) => r.url.startsWith('/2/tweets/search/recent'))
        .map((r) => new URL(r.url, 'http://x.local').searchParams);
    },
  };
}
