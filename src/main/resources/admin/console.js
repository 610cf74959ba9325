// Herald admin console: reads the cluster through Herald's own bridge (rt.admin.*) every 2 s and
// acts through the HTTP API (disconnect, revoke, publish), with the service token of the session.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var LIMIT = 200; // rows per list
  var token = null;
  var herald;

  // the session's token, checked again by the node (expiry, revocation) at each ask
  function session() {
    return fetch('/admin/session').then(function (r) {
      if (r.status === 401 || r.status === 403) { location.href = '/admin'; throw new Error('signed out'); }
      return r.json();
    }).then(function (s) {
      token = s.token;
      $('who').textContent = 'signed in as ' + s.userId;
      return s.token;
    });
  }

  function setConn(state) {
    var label = { open: 'live', connecting: 'connecting', reconnecting: 'reconnecting', backoff: 'reconnecting', gave_up: 'gave up: reload', closed: 'offline' }[state];
    if (!label) return;
    $('conn-label').textContent = label;
    $('conn').className = 'conn ' + (state === 'open' ? 'on' : state === 'backoff' || state === 'reconnecting' ? 'retry' : 'off');
    $('conn').dataset.state = state;
  }

  function say(text, error) {
    $('result').textContent = text;
    $('result').className = error ? 'error' : '';
  }

  function cell(row, text, num) {
    var td = document.createElement('td');
    td.textContent = text;
    if (num) td.className = 'num';
    row.appendChild(td);
    return td;
  }

  function fill(table, items, render) {
    var body = $(table).tBodies[0];
    var rows = document.createDocumentFragment();
    items.forEach(function (item) {
      var tr = document.createElement('tr');
      render(tr, item);
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
  }

  function ago(ts) {
    var s = Math.max(0, Math.round((Date.now() - ts) / 1000));
    return s + ' s ago';
  }

  function refresh() {
    if (!herald || herald.state !== 'open') return;
    var users = $('user-filter').value.trim();
    var channels = $('channel-filter').value.trim();
    Promise.all([
      herald.request('rt.admin.nodes', {}),
      herald.request('rt.admin.users', { limit: LIMIT, prefix: users }),
      herald.request('rt.admin.channels', { limit: LIMIT, prefix: channels })
    ]).then(function (r) {
      var nodes = r[0].nodes.slice().sort(function (a, b) { return a.node < b.node ? -1 : 1; });
      fill('nodes', nodes, function (tr, n) {
        tr.dataset.node = n.node;
        cell(tr, n.node); cell(tr, n.connections, true); cell(tr, n.subscriptions, true); cell(tr, ago(n.receivedAt));
      });
      fill('users', r[1].users, function (tr, u) {
        tr.dataset.user = u.userId;
        tr.dataset.status = u.status;
        cell(tr, u.userId); cell(tr, u.status); cell(tr, u.connections, true);
        var actions = cell(tr, '');
        action(actions, 'Disconnect', 'disconnect ' + u.userId, function () { return userAction(u.userId, 'disconnect'); });
        action(actions, 'Revoke', 'revoke the tokens of ' + u.userId, function () { return userAction(u.userId, 'revoke'); });
      });
      $('users-total').textContent = r[1].total + ' online' + (r[1].truncated ? ', first ' + LIMIT + ' shown' : '');
      fill('channels', r[2].channels, function (tr, c) {
        tr.dataset.channel = c.channel;
        cell(tr, c.channel); cell(tr, c.seq, true); cell(tr, c.members, true);
      });
      $('channels-total').textContent = r[2].total + ' channels' + (r[2].truncated ? ', first ' + LIMIT + ' shown' : '');
    }).catch(function (err) {
      say('could not read the cluster: ' + (err && err.message || err), true);
    });
  }

  function action(td, label, what, run) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-label', what);
    b.onclick = function () {
      if (!confirm(what + '?')) return;
      run();
    };
    td.appendChild(b);
  }

  function api(method, path, body) {
    return fetch('/api/v1' + path, {
      method: method,
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(r.status + ' ' + (j.message || j.error));
        return j;
      });
    });
  }

  function userAction(user, what) {
    return api('POST', '/users/' + encodeURIComponent(user) + '/' + what).then(function () {
      say(what === 'revoke' ? 'revoked the tokens of ' + user + ' and disconnected them' : 'disconnected ' + user);
      refresh();
    }, function (err) { say(what + ' ' + user + ' failed: ' + err.message, true); });
  }

  $('publish').onsubmit = function (e) {
    e.preventDefault();
    var channel = $('publish-channel').value.trim();
    var text = $('publish-data').value;
    var data;
    try { data = JSON.parse(text); } catch (err) { data = text; }
    api('POST', '/channels/' + encodeURIComponent(channel) + '/messages', { data: data }).then(function (r) {
      say('published to ' + r.channel + ' as seq ' + r.seq);
      refresh();
    }, function (err) { say('publish to ' + channel + ' failed: ' + err.message, true); });
  };

  $('user-filter').oninput = refresh;
  $('channel-filter').oninput = refresh;

  session().then(function () {
    herald = HeraldClient.connect('/eventbus', {
      getToken: session,
      onState: function (state) { setConn(state); if (state === 'open') refresh(); }
    });
    setInterval(refresh, 2000);
  }).catch(function (err) { say(err.message, true); });
}());
