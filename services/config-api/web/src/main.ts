import { startBell, type Bell } from './bell.js';
import { byId, replace } from './dom.js';
import { renderRepositoryPicker } from './repository-picker.js';
import { parseRoute, repositoryRoute } from './routes.js';
import { scopeName } from './scope.js';
import { renderScopeView } from './scope-view.js';
import { createSession, type Session } from './session.js';
import { renderSignIn } from './sign-in.js';
import { clearToken, storedToken } from './token.js';

const main = byId('main');
const topbarActions = byId('topbar-actions');
const signedInAs = byId('signed-in-as');

let session: Session | undefined;
let bell: Bell | undefined;
let teardown = (): void => undefined;

function route(focus: boolean): void {
  teardown();
  teardown = () => undefined;
  if (!session) return;
  const r = parseRoute(location.hash);
  if (r.view === 'scope') {
    document.title = `${scopeName(r.scope)} · Herald`;
    teardown = renderScopeView(main, session, r.scope);
  } else {
    document.title = 'Herald · repository notifications';
    renderRepositoryPicker(main, session, (repo) => {
      location.hash = repositoryRoute(repo);
    });
  }
  if (focus) main.focus();
}

function signedOut(message?: string): void {
  teardown();
  teardown = () => undefined;
  bell?.stop();
  bell = undefined;
  session = undefined;
  topbarActions.hidden = true;
  signedInAs.hidden = true;
  renderSignIn(main, start, message);
}

function start(token: string): void {
  try {
    session = createSession(token, signedOut);
  } catch (err) {
    clearToken();
    signedOut(err instanceof Error ? err.message : undefined);
    return;
  }
  replace(signedInAs, `Signed in as ${session.info.subject || 'an unnamed subject'}`);
  signedInAs.hidden = false;
  topbarActions.hidden = false;
  bell = startBell(session);
  route(false);
}

byId('sign-out').addEventListener('click', () => {
  clearToken();
  signedOut('Signed out.');
});
window.addEventListener('hashchange', () => route(true));

const token = storedToken();
if (token) start(token);
else signedOut();
