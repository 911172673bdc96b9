// What the HTML and Markdown reports call each decoded token of a run.

export const TOKEN_TITLES: Record<string, string> = {
  id_token: 'ID token',
  access_token: 'Access token',
  refresh_token: 'Refresh token',
  logout_token: 'Logout token',
  userinfo: 'Userinfo response (JWT)',
  introspection: 'Introspection response (JWT)',
};
