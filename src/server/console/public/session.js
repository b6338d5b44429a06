// Shared by the agent console and the dashboard: the agent's token (kept in this tab only), API calls with it,
// sign-in, and `el`, which builds elements with text nodes only: customer texts never become HTML.

const KEY = 'escucha.agentToken';

export const token = () => sessionStorage.getItem(KEY);

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A JSON (or text) request to the server with the agent's token. A 401 signs the agent out. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${token() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  const payload = isJson ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401) signOut('Your token was not accepted; sign in again.');
    throw new ApiError(response.status, (isJson && payload.error) || `${response.status} ${response.statusText}`);
  }
  return payload;
}

/**
 * `el('p', { class: 'x' }, 'text', child)`: strings become text nodes, arrays are flattened, null and false skipped.
 * Attributes are set with setAttribute; event handler attributes are refused.
 */
export function el(tag, attributes = {}, ...children) {
  const node = tag.includes(':') ? document.createElementNS('http://www.w3.org/2000/svg', tag.split(':')[1]) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`el: no inline handlers (${name})`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export const svg = (tag, attributes, ...children) => el(`svg:${tag}`, attributes, ...children);

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

const $ = (id) => document.getElementById(id);

let signedOut = () => undefined;

export function signOut(message = '') {
  sessionStorage.removeItem(KEY);
  signedOut(message);
}

/**
 * The sign-in form and the session bar of both pages. `onSignedIn(agent)` runs with the agent the token belongs
 * to; `role: 'lead'` refuses agents' tokens with a message.
 */
export function setupSession({ role = 'agent', onSignedIn, onSignedOut = () => undefined }) {
  const show = (agent) => {
    $('login').hidden = Boolean(agent);
    $('app').hidden = !agent;
    $('session').hidden = !agent;
  };
  signedOut = (message) => {
    show(null);
    $('login-error').textContent = message;
    onSignedOut();
  };
  const start = async () => {
    try {
      const { agent } = await api('/api/agent/me');
      if (role === 'lead' && agent.role !== 'lead') {
        signOut(`${agent.name} is an agent; the dashboard needs a lead's token.`);
        return;
      }
      $('login-error').textContent = '';
      $('who').textContent = `${agent.name} (${agent.role})`;
      show(agent);
      onSignedIn(agent);
    } catch (error) {
      if (error.status !== 401) $('login-error').textContent = `Cannot reach the server: ${error.message}`;
    }
  };
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('token').value.trim());
    $('token').value = '';
    start();
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  if (token()) start();
  else show(null);
}

/** "just now", "12 min", "3 h 5 min", "2 days". */
export function duration(minutes) {
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${Math.round(minutes % 60)} min`;
  return `${Math.round(minutes / 1440)} days`;
}

export const dateTime = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const time = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
