// Escucha's chat on another site: <script src="https://YOUR-ESCUCHA/embed.js" defer></script> adds a button that
// opens the chat in a frame served by Escucha (so the site needs no other code). The site's origin must be listed in
// `server.corsOrigins`, which is also who may frame the chat. Optional: data-label="..." on the script tag.
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var spanish = /^es\b/i.test(navigator.language || '');
  var label = script.getAttribute('data-label') || (spanish ? '¿Te ayudamos?' : 'Need help?');
  var close = spanish ? 'Cerrar el chat' : 'Close the chat';

  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('aria-expanded', 'false');
  button.style.cssText = 'position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.75rem 1.1rem;border:0;' +
    'border-radius:1.5rem;background:#1f3a5f;color:#fff;font:600 1rem system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)';

  var frame;
  button.addEventListener('click', function () {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = origin + '/?embed=1';
      frame.title = label;
      frame.style.cssText = 'position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));' +
        'height:min(36rem,calc(100vh - 6rem));border:1px solid #ccd;border-radius:.75rem;background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.25)';
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    var open = !frame.hidden;
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? close : label;
  });
  if (document.body) document.body.appendChild(button);
  else document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(button); });
})();
