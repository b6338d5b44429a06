// Starts the official Web Chat on this server's Direct Line (/v3/directline). The conversation's token is kept in
// sessionStorage, so reloading the page (say, while waiting for a person) continues the same conversation.
(function () {
  'use strict';
  var root = document.getElementById('webchat');
  var locale = navigator.language || document.documentElement.lang;
  var domain = location.origin + '/v3/directline';
  var KEY = 'escucha.directline';

  function post(path, token, body) {
    var headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(domain + path, { method: 'POST', headers: headers, body: JSON.stringify(body || {}) }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    });
  }

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { return null; }
  }

  // The earlier conversation of this tab when its token still works, else a new one.
  function session() {
    var earlier = saved();
    var fresh = function () { return post('/tokens/generate', null, { locale: locale }).then(function (grant) { return { grant: grant, resumed: false }; }); };
    if (!earlier || !earlier.token) return fresh();
    return post('/tokens/refresh', earlier.token).then(function (grant) { return { grant: grant, resumed: true }; }, fresh);
  }

  session().then(function (started) {
    var grant = started.grant;
    try { sessionStorage.setItem(KEY, JSON.stringify({ token: grant.token })); } catch (e) { /* private mode: no resuming */ }
    var options = { domain: domain, webSocket: false, token: grant.token, pollingInterval: 1000 };
    if (started.resumed) options.conversationId = grant.conversationId;
    var company = root.getAttribute('data-company') || '';
    window.WebChat.renderWebChat({
      directLine: window.WebChat.createDirectLine(options),
      userID: grant.user.id,
      locale: locale,
      styleOptions: { hideUploadButton: true, botAvatarInitials: company.slice(0, 2), rootHeight: '100%' },
    }, root);
    root.querySelector('input, textarea') && root.querySelector('input, textarea').focus();
  }).catch(function () {
    root.className = 'failed';
    root.textContent = root.getAttribute('data-failed');
  });
})();
