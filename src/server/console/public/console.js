// The agent console: the queue (live), one case at a time, and the actions on it. Everything the customer or an
// agent wrote is put in the page as text (see `el`), never as HTML.
import { api, clear, dateTime, duration, el, setupSession, time, token } from '/agent/session.js';

const $ = (id) => document.getElementById(id);
const TITLE = document.title;
const REFRESH_MS = 30_000;

const state = {
  me: null,
  queue: [],
  openId: null,
  /** Cases that arrived since the agent last looked at them. */
  fresh: new Set(),
  stream: null,
  refresh: null,
};

setupSession({
  onSignedIn(agent) {
    state.me = agent;
    $('dashboard-link').hidden = agent.role !== 'lead';
    setupNotifications();
    loadQueue();
    connect();
    state.refresh = setInterval(loadQueue, REFRESH_MS);
  },
  onSignedOut() {
    state.stream?.close();
    clearInterval(state.refresh);
    state.me = null;
    state.openId = null;
  },
});

// ---- the queue -------------------------------------------------------------------------------------------------

async function loadQueue() {
  try {
    const { handoffs } = await api('/api/agent/handoffs');
    state.queue = handoffs;
    renderQueue();
  } catch (error) {
    showError(error);
  }
}

function renderQueue() {
  const body = clear($('queue').tBodies[0]);
  $('queue-count').textContent = state.queue.length ? String(state.queue.length) : '';
  $('queue-empty').hidden = state.queue.length > 0;
  for (const h of state.queue) {
    const open = () => openCase(h.id);
    const row = el('tr', {
      class: ['case-row', state.fresh.has(h.id) && 'fresh', h.id === state.openId && 'selected', `label-${h.priorityLabel}`].filter(Boolean).join(' '),
      'data-id': h.id,
      tabindex: 0,
    },
      el('td', {}, el('span', { class: `priority ${h.priorityLabel}` }, `${h.priority} ${h.priorityLabel}`)),
      el('td', {}, h.status === 'assigned' ? `with ${h.agentId}` : 'waiting'),
      el('td', {}, upset(h.emotion)),
      el('td', {}, h.reason),
      el('td', {}, h.locale),
      el('td', {}, duration(h.waitingMinutes)),
      el('td', { class: 'question', title: h.firstQuestion ?? '' }, el('span', { class: 'clamp' }, h.firstQuestion ?? '—')),
    );
    row.addEventListener('click', open);
    row.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(); });
    body.append(row);
  }
}

function upset(emotion) {
  return el('span', { class: `upset ${emotion.percent >= 70 ? 'high' : emotion.percent >= 30 ? 'mild' : 'calm'}`, title: emotion.reasons.map((r) => `${r.kind}: “${r.match}”`).join('\n') },
    `${emotion.percent}%${emotion.rising ? ' ↑' : ''}`,
    emotion.reasons.length ? el('span', { class: 'reasons' }, [...new Set(emotion.reasons.map((r) => r.kind))].join(', ')) : null);
}

// ---- one case --------------------------------------------------------------------------------------------------

async function openCase(id) {
  state.openId = id;
  state.fresh.delete(id);
  stopBlinking();
  renderQueue();
  $('case-error').textContent = '';
  await loadCase();
}

async function loadCase() {
  const id = state.openId;
  if (!id) return;
  try {
    const detail = await api(`/api/agent/handoffs/${encodeURIComponent(id)}`);
    if (state.openId === id) renderCase(detail);
  } catch (error) {
    showError(error);
  }
}

function renderCase({ handoff: h, messages, earlierConversations }) {
  $('case-placeholder').hidden = true;
  $('case').hidden = false;
  $('case').dataset.id = h.id;
  $('case').dataset.status = h.status;
  $('case-title').textContent = `Case ${h.id.slice(0, 8)} · ${h.status}${h.agentId ? ` (${h.agentId})` : ''}`;
  $('case-meta').textContent = [
    `priority ${h.priority} ${h.priorityLabel}`, h.reason, h.locale, h.channel,
    `customer ${h.customerId ?? '(anonymous)'}`, `waiting ${duration(h.waitingMinutes)}`, `since ${dateTime(h.createdAt)}`,
  ].join(' · ');

  const mine = h.status === 'assigned' && h.agentId === state.me?.id;
  $('claim').hidden = h.status !== 'waiting';
  $('resolve').hidden = !(h.status === 'waiting' || mine);
  $('return').hidden = !(h.status === 'waiting' || mine);
  $('send').disabled = !mine;
  $('compose-hint').textContent = mine ? '' : h.status === 'waiting' ? 'Claim the case to write to the customer.' : h.status === 'assigned' ? `${h.agentId} has this case.` : 'The case is closed.';

  $('case-why').textContent = h.summary.why;
  listOf($('case-asked'), h.summary.asked);
  listOf($('case-answered'), h.summary.answered);
  clear($('case-feeling')).append(upset(h.emotion));

  const transcript = clear($('transcript'));
  for (const turn of h.transcript) transcript.append(message(turn.role === 'agent' ? `agent ${turn.agentId ?? ''}` : turn.role, turn.text, turn.at, turn.role));
  const since = clear($('since'));
  for (const m of messages) since.append(message(m.author === 'agent' ? `agent ${m.agentId ?? ''}` : m.author === 'note' ? `note by ${m.agentId ?? ''}` : m.author, m.text, m.at, m.author));
  $('since-empty').hidden = messages.length > 0;

  const earlier = clear($('earlier').tBodies[0]);
  for (const c of earlierConversations) {
    earlier.append(el('tr', {},
      el('td', {}, dateTime(c.startedAt)), el('td', {}, c.channel), el('td', {}, c.locale),
      el('td', {}, el('span', { class: `outcome ${c.outcome}` }, c.outcome.replaceAll('_', ' ')), c.handedOff ? ' (handed off)' : ''),
      el('td', {}, String(c.turns)), el('td', {}, `${c.peakFrustrationPercent}%`), el('td', { class: 'question' }, c.firstQuestion ?? '—')));
  }
  $('earlier-empty').hidden = earlierConversations.length > 0;
}

const listOf = (node, items) => clear(node).append(...(items.length ? items.map((item) => el('li', {}, item)) : [el('li', { class: 'muted' }, '—')]));

const message = (who, text, at, kind) =>
  el('li', { class: `message ${kind}` }, el('span', { class: 'who' }, who.trim()), el('time', { datetime: at }, time(at)), el('p', { class: 'text' }, text));

async function act(action, body) {
  const id = state.openId;
  $('case-error').textContent = '';
  try {
    await api(`/api/agent/handoffs/${encodeURIComponent(id)}/${action}`, { method: 'POST', body });
    return true;
  } catch (error) {
    showError(error);
    return false;
  } finally {
    await Promise.all([loadCase(), loadQueue()]);
  }
}

$('claim').addEventListener('click', () => act('claim'));
$('resolve').addEventListener('click', () => act('resolve'));
$('return').addEventListener('click', () => act('return'));
$('compose').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('compose-text').value;
  if (!text.trim()) return;
  const kind = event.submitter?.value === 'note' ? 'note' : 'reply';
  if (await act(kind, { text })) $('compose-text').value = '';
});

function showError(error) {
  $('case-error').textContent = error.message;
}

// ---- live updates and notifications ----------------------------------------------------------------------------

function connect() {
  state.stream?.close();
  // EventSource cannot send an Authorization header; the server takes the token from the query for this route only
  // and keeps its request lines out of the log.
  const stream = new EventSource(`/api/agent/events?access_token=${encodeURIComponent(token())}`);
  state.stream = stream;
  const live = $('live');
  stream.addEventListener('open', () => {
    live.textContent = 'live';
    live.classList.add('on');
    loadQueue();
  });
  stream.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
    // EventSource retries a dropped connection by itself, but gives up on an error status (a server still
    // starting answers 503): try again a little later, while signed in.
    if (stream.readyState === EventSource.CLOSED && state.stream === stream) {
      setTimeout(() => { if (state.me && state.stream === stream) connect(); }, 5000);
    }
  });
  stream.addEventListener('handoffCreated', (event) => {
    const { handoff } = JSON.parse(event.data);
    state.fresh.add(handoff.id);
    loadQueue();
    announce(handoff);
  });
  stream.addEventListener('handoffUpdated', (event) => {
    const { handoff } = JSON.parse(event.data);
    loadQueue();
    if (handoff.id === state.openId) loadCase();
  });
  for (const type of ['customerMessage', 'agentMessage', 'botResumed']) {
    stream.addEventListener(type, (event) => {
      if (JSON.parse(event.data).handoffId === state.openId) loadCase();
    });
  }
}

function setupNotifications() {
  const button = $('notify');
  if (!('Notification' in window) || Notification.permission !== 'default') return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    await Notification.requestPermission();
    button.hidden = true;
  }, { once: true });
}

function announce(handoff) {
  const title = `New case · ${handoff.priority} ${handoff.priorityLabel} · ${handoff.reason}`;
  if ('Notification' in window && Notification.permission === 'granted') {
    // The body is plain text for the system's notification: nothing in it is interpreted.
    const notification = new Notification(title, { body: handoff.firstQuestion ?? '', tag: handoff.id });
    notification.addEventListener('click', () => { window.focus(); openCase(handoff.id); });
  }
  blink();
}

let blinking = null;

/**
 * The tab's title alternates (no sound: agents often share a room) until the agent comes back to the tab, or for a
 * few seconds when they are already on it; the new row stays highlighted until the case is opened.
 */
function blink() {
  stopBlinking();
  let ticks = 0;
  const tick = () => {
    ticks++;
    if (ticks > 6 && document.hasFocus()) return stopBlinking();
    document.title = ticks % 2 ? `(${state.fresh.size}) New case · ${TITLE}` : TITLE;
  };
  tick();
  blinking = setInterval(tick, 1000);
}

function stopBlinking() {
  clearInterval(blinking);
  blinking = null;
  document.title = TITLE;
}

window.addEventListener('focus', stopBlinking);
