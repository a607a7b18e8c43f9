// Heap has no npm package for the browser script, so these two stand in for it, served by
// the vendor stand-in server. They behave like the real pair on the points FlagBridge
// depends on: the snippet's `window.heap` is an array with stub methods that queue
// `{ name, fn }` onto `window.heapReadyCb` and inject heap.js; heap.js replaces
// `window.heap` with the loaded API (`loaded: true`) and replays the queue in order.

import { HEAP_SNIPPET_METHODS as SNIPPET_METHODS } from '../../core/heapStandIn'

/** The current Heap snippet, shape for shape; the environment id comes from the `heap` query parameter. */
export const HEAP_SNIPPET = `(function () {
  var envId = new URLSearchParams(location.search).get('heap');
  if (!envId) return;
  window.heapReadyCb = window.heapReadyCb || [];
  window.heap = window.heap || [];
  heap.load = function (e, t) {
    window.heap.envId = e;
    window.heap.clientConfig = t = t || {};
    window.heap.clientConfig.shouldFetchServerConfig = false;
    var a = document.createElement('script');
    a.type = 'text/javascript';
    a.async = true;
    a.src = '/heap.js?env=' + encodeURIComponent(e);
    var r = document.getElementsByTagName('script')[0];
    r.parentNode.insertBefore(a, r);
    var n = ${JSON.stringify(SNIPPET_METHODS)};
    var i = function (e) {
      return function () {
        var t = Array.prototype.slice.call(arguments, 0);
        window.heapReadyCb.push({ name: e, fn: function () { heap[e] && heap[e].apply(heap, t); } });
      };
    };
    for (var p = 0; p < n.length; p++) heap[n[p]] = i(n[p]);
  };
  heap.load(envId);
})();
`

/**
 * heap.js: the loaded API. Each call is POSTed to /heap-record with a sequence number,
 * the identity and the event properties Heap holds at that moment (what the next event
 * would carry), and the props cookie size.
 */
export const HEAP_LOADER = `(function () {
  var queued = window.heapReadyCb || [];
  var envId = window.heap && window.heap.envId;
  var seq = 0;
  var identity = null;
  var eventProperties = {};
  var userProperties = {};
  var page = Math.random().toString(36).slice(2);
  function copy(value) { return value === undefined ? null : JSON.parse(JSON.stringify(value)); }
  function record(name, args) {
    var body = JSON.stringify({
      page: page,
      seq: ++seq,
      envId: envId,
      name: name,
      args: copy(args),
      identity: identity,
      eventProperties: copy(eventProperties),
      cookieSize: encodeURIComponent(JSON.stringify(eventProperties)).length,
    });
    fetch('/heap-record', { method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/json' }, body: body });
  }
  var api = {
    loaded: true,
    envId: envId,
    identify: function (id) { identity = String(id); record('identify', [id]); },
    resetIdentity: function () { identity = null; record('resetIdentity', []); },
    addUserProperties: function (p) { Object.assign(userProperties, p); record('addUserProperties', [p]); },
    addEventProperties: function (p) {
      for (var k in p) eventProperties[k] = typeof p[k] === 'string' ? p[k].slice(0, 1024) : p[k];
      record('addEventProperties', [p]);
    },
    removeEventProperty: function (n) { delete eventProperties[n]; record('removeEventProperty', [n]); },
    clearEventProperties: function () { eventProperties = {}; record('clearEventProperties', []); },
    track: function (e, p) { record('track', [e, p]); },
    getUserId: function () { return 'heap-' + page; },
    getIdentity: function () { return identity; },
    getSessionId: function () { return 'session-' + page; },
    onReady: function (cb) { setTimeout(cb, 0); },
  };
  ${JSON.stringify(SNIPPET_METHODS)}.forEach(function (name) { if (!api[name]) api[name] = function () {}; });
  window.heap = api;
  window.heapReadyCb = [];
  for (var i = 0; i < queued.length; i++) queued[i].fn();
})();
`
