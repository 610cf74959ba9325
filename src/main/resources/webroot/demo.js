// Herald demo: presence, a chat channel with history, and push against 1 s polling.
// Dev mode only: it asks the node's /dev/token for its tokens.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var me, herald, tickTimer;
  var people = {}; // userId -> status
  var samples = { push: [], poll: [] };
  var polls = { total: 0, empty: 0 };

  function devToken(claims) {
    return fetch('/dev/token', { method: 'POST', body: JSON.stringify(claims) }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || j.error); return j.token; });
    });
  }

  function userToken() {
    return devToken({ sub: me, channels: ['demo.*'], publish: ['demo.*'] });
  }

  $('login').onsubmit = function (e) {
    e.preventDefault();
    if (herald) return;
    me = $('user').value.trim();
    $('join').disabled = true;
    $('user').disabled = true;
    start();
  };

  function setConn(state) {
    var el = $('conn');
    var label = { open: 'live', connecting: 'connecting', reconnecting: 'reconnecting', backoff: 'reconnecting', gave_up: 'gave up', closed: 'offline' }[state];
    if (!label) return;
    el.textContent = label;
    el.className = 'conn ' + (state === 'open' ? 'on' : state === 'backoff' || state === 'reconnecting' ? 'retry' : 'off');
    el.dataset.state = state;
  }

  function start() {
    herald = HeraldClient.connect('/eventbus', {
      getToken: userToken,
      onState: function (state) {
        setConn(state);
        if (state === 'open') onOpen();
      }
    });
    $('app').hidden = false;
    // presence: everyone in the lobby, with live statuses
    herald.subscribe('demo.lobby', function () {});
    // membership says who is in the lobby, presence how they are: a leave is not "offline" (a
    // failover's cleanup and the reconnect's join cross on the way; the server delivers each
    // user's member events in version order, and statuses come only from presence events)
    herald.on('rt.members.demo.lobby', function (err, e) {
      if (err) return;
      if (e.event === 'join') { watch(e.userId, 'online'); } else if (e.userId !== me) { leave(e.userId); }
    });
    // chat with history: the last 50 on every (re)load, then live, recovered after reconnects
    herald.subscribe('demo.chat', function (m) { addMessage(m); });
    // the update stream both panels measure: this page publishes one tick a second
    herald.subscribe('demo.ticks.' + me, function (m, meta) {
      if (!meta.replayed) sample('push', Date.now() - m.data.t);
    });
  }

  function onOpen() {
    herald.request('rt.channel.members', { channel: 'demo.lobby' }).then(function (r) {
      r.members.forEach(function (m) { watch(m.userId, m.status); });
    });
    herald.setStatus($('status').value);
    if (!$('messages').dataset.loaded) {
      $('messages').dataset.loaded = '1';
      herald.request('rt.channel.history', { channel: 'demo.chat', since: 0, limit: 1000 }).then(function (h) {
        h.messages.slice(-50).forEach(addMessage);
      });
    }
    if (!tickTimer) {
      // updates come when they come: about one a second, at random moments, so a poller's
      // phase does not line up with them
      var tick = function () {
        herald.publish('demo.ticks.' + me, { t: Date.now() }).catch(function () {});
        tickTimer = setTimeout(tick, 500 + Math.random() * 1000);
      };
      tickTimer = setTimeout(tick, Math.random() * 1000);
      startPolling();
    }
  }

  var watched = {};
  function watch(userId, status) {
    if (!watched[userId]) {
      watched[userId] = true;
      herald.watchPresence(userId, function (err, e) { if (!err) setPerson(userId, e.status); });
    }
    // a snapshot (the member list, a join) never overrides what a presence event already said
    if (!(userId in people)) setPerson(userId, status);
  }

  function leave(userId) {
    delete people[userId];
    setPerson(null);
  }

  function setPerson(userId, status) {
    if (userId !== null) people[userId] = status;
    var list = $('people');
    list.innerHTML = '';
    Object.keys(people).sort().forEach(function (u) {
      var li = document.createElement('li');
      li.dataset.user = u;
      li.dataset.status = people[u];
      var dot = document.createElement('span');
      dot.className = 'dot ' + people[u];
      li.appendChild(dot);
      li.appendChild(document.createTextNode(u + (u === me ? ' (you)' : '') + ' — ' + people[u]));
      list.appendChild(li);
    });
  }

  $('status').onchange = function () { herald.setStatus($('status').value); };

  $('chat').onsubmit = function (e) {
    e.preventDefault();
    var text = $('text').value.trim();
    if (!text) return;
    herald.publish('demo.chat', { text: text }).then(function () { $('text').value = ''; });
  };

  function addMessage(m) {
    var ol = $('messages');
    if (ol.querySelector('[data-seq="' + m.seq + '"]')) return;
    var li = document.createElement('li');
    li.dataset.seq = m.seq;
    // history says when a message was sent; a live one (short form, no ts) arrives as it is sent
    var at = new Date(m.ts || Date.now());
    var time = document.createElement('time');
    time.dateTime = at.toISOString();
    time.textContent = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    li.appendChild(time);
    var from = document.createElement('span');
    from.className = 'from';
    from.textContent = m.from + ':';
    li.appendChild(from);
    li.appendChild(document.createTextNode(m.data && m.data.text));
    ol.appendChild(li);
    ol.scrollTop = ol.scrollHeight;
  }

  // polling: the HTTP API every second, with a token that may read this one channel's messages
  // (a fresh one whenever it is refused: a restarted dev node signs with a new secret)
  function startPolling() {
    var since = null;
    var channel = 'demo.ticks.' + me;
    var token = null;
    setInterval(function () {
      var ready = token ? Promise.resolve(token) : devToken({ sub: me + '.poller', channels: [channel] });
      ready.then(function (t) {
        token = t;
        var url = '/api/v1/channels/' + encodeURIComponent(channel) + '/messages?limit=100&since=' + (since === null ? 0 : since);
        return fetch(url, { headers: { Authorization: 'Bearer ' + t } });
      }).then(function (r) {
        if (r.status === 401) { token = null; throw new Error('token refused'); }
        return r.json();
      }).then(function (h) {
        var fresh = since === null ? [] : h.messages; // the first poll only finds where the stream is
        since = h.nextSeq - 1;
        polls.total++;
        if (!fresh.length) polls.empty++;
        var now = Date.now();
        fresh.forEach(function (m) { sample('poll', now - m.data.t); });
        $('poll-empty').textContent = Math.round(100 * polls.empty / polls.total);
      }).catch(function () {});
    }, 1000);
  }

  function median(a) {
    var s = a.slice().sort(function (x, y) { return x - y; });
    return s.length ? s[Math.floor(s.length / 2)] : 0;
  }

  function sample(kind, ms) {
    samples[kind].push(ms);
    if (samples[kind].length > 60) samples[kind].shift();
    $(kind + '-last').textContent = ms;
    $(kind + '-median').textContent = median(samples[kind]);
    $(kind + '-count').textContent = samples[kind].length;
    draw();
  }

  function draw() {
    var c = $('chart');
    var g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    var max = Math.max(100, Math.max.apply(null, samples.push.concat(samples.poll)));
    [['push', '#1f6feb'], ['poll', '#d2691e']].forEach(function (k) {
      g.strokeStyle = k[1];
      g.beginPath();
      samples[k[0]].forEach(function (v, i) {
        var x = i * (c.width / 60);
        var y = c.height - 4 - (v / max) * (c.height - 8);
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    });
  }
}());
