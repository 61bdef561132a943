// The sandbox console: renders the bot's Adaptive Cards with Microsoft's renderer
// (window.AdaptiveCards, served from the adaptivecards package) and sends what you type or
// click to the sandbox as the person you picked. Server-sent events say when to read again.
const AC = window.AdaptiveCards;

const EXAMPLES = [
  '/elevate help',
  '/elevate roles',
  '/elevate Exchange Administrator 2m fixing mail flow INC-4711',
  '/elevate Helpdesk Administrator 1m reset a locked account',
  '/elevate status',
  '/elevate history all',
  '/elevate export',
];

const hostConfig = new AC.HostConfig({
  fontFamily: 'Segoe UI, system-ui, sans-serif',
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 28, padding: 12 },
  actions: { maxActions: 6, buttonSpacing: 8, showCard: { actionMode: 'inline' } },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7' },
        attention: { default: '#C4314B' },
        good: { default: '#237B4B' },
        warning: { default: '#835C00' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: { default: { default: '#242424', subtle: '#616161' } },
    },
  },
});

// Cards carry Teams-style markdown. Escape everything first, then allow bold, italics,
// code and links to this console only, so text from a request can never become markup.
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  // One pass: HTML characters and backslash escapes (Teams markdown) become entities, which
  // no pattern below matches.
  const escaped = text.replace(
    /\\([^\w\s])|[&<>"']/g,
    (match, escapedChar) => `&#${(escapedChar ?? match).charCodeAt(0)};`,
  );
  // Code spans first: what is inside one is shown as written, never bold, italic or a link.
  result.outputHtml = escaped
    .split(/(`[^`\n]+`)/)
    .map((part, i) =>
      i % 2 === 1
        ? `<code>${part.slice(1, -1)}</code>`
        : part
            .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
            .replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1<em>$2</em>')
            .replace(/\[([^\]]+)\]\((\/[^)\s]*)\)/g, '<a href="$2" target="_blank">$1</a>'),
    )
    .join('')
    .replace(/\n/g, '<br>');
  result.didProcess = true;
};

let me = localStorage.getItem('elevate.as');
let people = [];
const rendered = new Map(); // element id → Map(item id → JSON last drawn)

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const response = await fetch(
    path,
    body
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }
      : {},
  );
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

function renderCard(json, itemId, into) {
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  card.onExecuteAction = (action) => {
    if (action instanceof AC.OpenUrlAction) return window.open(action.url, '_blank');
    if (!(action instanceof AC.ExecuteAction || action instanceof AC.SubmitAction)) return;
    const verb = action.verb ?? action.data?.verb ?? '';
    api('/api/action', { as: me, itemId, verb, data: action.data ?? {} })
      .then(({ card: answer }) => {
        into.replaceChildren(renderCard(answer, itemId, into));
      })
      .catch(showError);
  };
  card.parse(json);
  return card.render() ?? document.createTextNode('(this card could not be rendered)');
}

function drawFeed(elementId, items) {
  const feed = $(elementId);
  const drawn = rendered.get(elementId) ?? new Map();
  rendered.set(elementId, drawn);
  const wanted = new Set(items.map((i) => String(i.id)));
  for (const node of [...feed.children]) if (!wanted.has(node.dataset.id)) node.remove();
  let changed = false;
  for (const item of items) {
    const json = JSON.stringify(item);
    if (drawn.get(item.id) === json) continue;
    drawn.set(item.id, json);
    changed = true;
    const node = document.createElement('div');
    node.className = item.said ? 'item said' : 'item';
    node.dataset.id = String(item.id);
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = new Date(item.at).toLocaleTimeString();
    node.append(meta);
    if (item.said) {
      const bubble = document.createElement('span');
      bubble.className = 'bubble';
      bubble.textContent = item.said;
      node.append(bubble);
    } else {
      const holder = document.createElement('div');
      holder.className = 'card';
      holder.append(renderCard(item.card, item.id, holder));
      node.append(holder);
    }
    const old = [...feed.children].find((n) => n.dataset.id === node.dataset.id);
    if (old) old.replaceWith(node);
    else feed.append(node);
  }
  if (changed) feed.scrollTop = feed.scrollHeight;
}

function drawPeople() {
  const nav = $('people');
  nav.replaceChildren(
    ...people.map((p) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.person = p.upn;
      button.setAttribute('aria-pressed', String(p.id === me));
      button.innerHTML = '<span></span><small></small>';
      button.firstChild.textContent = `${p.name} · ${p.role}`;
      button.lastChild.textContent = p.about;
      button.onclick = () => choose(p.id);
      return button;
    }),
  );
}

function choose(id) {
  me = id;
  localStorage.setItem('elevate.as', id);
  rendered.delete('chat');
  $('chat').replaceChildren();
  refresh();
}

async function refresh() {
  const state = await api(`/api/state?as=${encodeURIComponent(me ?? '')}`);
  people = state.people;
  if (!people.some((p) => p.id === me)) me = people[0]?.id ?? null;
  const banner = $('banner');
  banner.hidden = !state.banner;
  banner.textContent = state.banner ?? '';
  drawPeople();
  drawFeed('chat', state.feeds.chat);
  drawFeed('approvals', state.feeds.approvals);
  drawFeed('security', state.feeds.security);
  const history = await api(`/api/history?as=${encodeURIComponent(me)}`);
  $('history-scope').textContent = history.scope;
  drawFeed('history', [{ id: 0, at: Date.now(), card: history.card }]);
}

function showError(error) {
  const chat = $('chat');
  const note = document.createElement('div');
  note.className = 'item';
  note.textContent = `Could not reach the sandbox: ${error.message}`;
  chat.append(note);
}

// The text stays in the box until the sandbox took it, so a failed send can be sent again.
$('say').addEventListener('submit', (event) => {
  event.preventDefault();
  const box = $('text');
  const text = box.value.trim();
  if (!text) return;
  api('/api/command', { as: me, text })
    .then(() => {
      if (box.value.trim() === text) box.value = '';
      return refresh();
    })
    .catch(showError);
});

$('examples').replaceChildren(
  ...EXAMPLES.map((example) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = example;
    button.onclick = () => {
      $('text').value = example;
      $('text').focus();
    };
    return button;
  }),
);

let pending = null;
new EventSource('/api/events').onmessage = () => {
  clearTimeout(pending);
  pending = setTimeout(() => refresh().catch(showError), 80);
};
refresh().catch(showError);
