// Herald demo: presence, a chat channel with history, and push against 1 s polling.
// Dev mode only: it asks the node's /dev/token for its tokens.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var me, herald, tickTimer, pollTimer;
  var NAME_KEY = 'herald.demo.name';
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
    join($('user').value.trim());
  };

  // the name is remembered: a reload joins again as the same user, until Leave
  function join(name) {
    if (herald || !name) return;
    me = name;
    try { localStorage.setItem(NAME_KEY, me); } catch (err) { /* private mode: not remembered */ }
    $('user').value = me;
    $('join').disabled = true;
    $('user').disabled = true;
    $('leave').hidden = false;
    start();
  }

  $('leave').onclick = function () {
    try { localStorage.removeItem(NAME_KEY); } catch (err) { /* nothing kept */ }
    clearTimeout(tickTimer);
    clearInterval(pollTimer);
    herald.close();
    location.reload();
  };

  function setConn(state) {
    var el = $('conn');
    var label = { open: 'live', connecting: 'connecting', reconnecting: 'reconnecting', backoff: 'reconnecting', gave_up: 'gave up: reload to retry', closed: 'offline' }[state];
    if (!label) return;
    $('conn-label').textContent = label;
    el.className = 'conn ' + (state === 'open' ? 'on' : state === 'backoff' || state === 'reconnecting' ? 'retry' : 'off');
    el.dataset.state = state;
  }

  function start() {
    herald = HeraldClient.connect('/eventbus', {
      getToken: userToken,
      // backend-health notices: what the node says is degraded (a proxy's backend down, the cluster's majority lost)
      onNotice: function () {
        var what = Object.keys(herald.degraded);
        $('notice').hidden = what.length === 0;
        $('notice').textContent = what.length ? 'degraded: ' + what.map(function (w) {
          return w + ' (since ' + new Date(herald.degraded[w].since).toLocaleTimeString() + ')';
        }).join(', ') : '';
      },
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
    // (a lost history is found on each open: see onOpen)
    herald.subscribe('demo.chat', function (m) { addMessage(m); }, function (info) {
      if (info.reason === 'epoch' && info.epoch !== lostFor) {
        historyLost(info.epoch); // the client saw the numbering change, live or after a reconnect
      } else if (!info.recovered && !info.error && info.epoch !== null && info.epoch === chatEpoch && info.epoch !== lostFor) {
        notice('some messages were missed while offline: more than the server keeps');
      }
    });
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
        if (chatEpoch === undefined) chatEpoch = h.epoch;
        h.messages.slice(-50).forEach(addMessage);
      });
    } else {
      // back after a disconnect: if the channel's numbering changed (a single node restarted and
      // its history died with it), the chat says so
      herald.request('rt.channel.history', { channel: 'demo.chat', since: 0, limit: 1 }).then(function (h) {
        if (chatEpoch !== undefined && h.epoch !== chatEpoch && h.epoch !== lostFor) historyLost(h.epoch);
      });
    }
    if (!roomsProbed) {
      roomsProbed = true;
      // a node started with scripts/run.sh --backend has the reference backend behind its proxies
      herald.rpc('rooms').then(function () {
        $('rooms').hidden = false;
        $('rooms').dataset.backend = 'yes';
      }, function () {
        $('rooms').dataset.backend = 'no'; // no backend: no card
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

  // who is in the lobby (member events and the member list) and how each is (presence events,
  // which win over a snapshot's status): a user who left the lobby is gone from the list, even if
  // their offline event comes after the leave
  var members = {};
  var statuses = {};
  var watched = {};
  function watch(userId, status) {
    if (!watched[userId]) {
      watched[userId] = true;
      herald.watchPresence(userId, function (err, e) { if (!err) { statuses[userId] = e.status; render(); } });
    }
    members[userId] = true;
    if (!(userId in statuses)) statuses[userId] = status;
    render();
  }

  function leave(userId) {
    delete members[userId];
    render();
  }

  function render() {
    var list = $('people');
    list.innerHTML = '';
    Object.keys(members).sort().forEach(function (u) {
      var li = document.createElement('li');
      li.dataset.user = u;
      li.dataset.status = statuses[u];
      var dot = document.createElement('span');
      dot.className = 'dot ' + statuses[u];
      li.appendChild(dot);
      li.appendChild(document.createTextNode(u + (u === me ? ' (you)' : '') + ' — ' + statuses[u]));
      list.appendChild(li);
    });
  }

  // rooms: the backend lets the user in (rpc join), the subscribe proxy grants the channel with
  // the room's topic (rt.session's channelData), the publish proxy checks and stamps each message
  var roomsProbed = false;
  var room = null;

  $('room-join').onsubmit = function (e) {
    e.preventDefault();
    var name = $('room-name').value.trim();
    if (!name || name === room) return;
    herald.rpc('join', { room: name }).then(function () {
      room = name;
      $('room-messages').innerHTML = '';
      herald.subscribe('room.' + name, function (m) {
        if (m.channel !== 'room.' + room) return;
        var li = document.createElement('li');
        li.textContent = m.from + ': ' + (m.data && m.data.text) + (m.data && m.data.checkedAt ? ' ✓' : '');
        li.dataset.seq = m.seq;
        $('room-messages').appendChild(li);
      });
      return herald.session();
    }).then(function (s) {
      var data = s.channelData['room.' + name];
      $('room-status').textContent = 'in room ' + name + (data && data.topic ? ': ' + data.topic : '');
      $('room-chat').hidden = false;
    }, function (err) {
      $('room-status').textContent = 'the backend said no: ' + (err && err.message);
    });
  };

  $('room-chat').onsubmit = function (e) {
    e.preventDefault();
    var text = $('room-text').value.trim();
    if (!text || !room) return;
    herald.publish('room.' + room, { text: text }).then(function () {
      $('room-text').value = '';
      $('room-status').textContent = 'in room ' + room;
    }, function (err) {
      $('room-status').textContent = 'the backend refused that message: ' + (err && err.message);
    });
  };

  $('status').onchange = function () { herald.setStatus($('status').value); };

  $('chat').onsubmit = function (e) {
    e.preventDefault();
    var text = $('text').value.trim();
    if (!text) return;
    herald.publish('demo.chat', { text: text }).then(function () { $('text').value = ''; });
  };

  // the numbering the shown messages belong to: undefined before the first, null once history
  // was lost and no new message has come yet
  var chatEpoch;
  var lostFor; // the epoch the last "history was lost" line was shown for

  function notice(text) {
    var li = document.createElement('li');
    li.className = 'notice';
    li.textContent = text;
    $('messages').appendChild(li);
  }

  // the old messages go (their numbering is gone), a line says why, and what the new numbering
  // already holds is shown
  function historyLost(epoch) {
    $('messages').innerHTML = '';
    chatEpoch = lostFor = epoch;
    notice('the server restarted and lost the chat history; new messages follow');
    herald.request('rt.channel.history', { channel: 'demo.chat', since: 0, limit: 50 }).then(function (h) {
      h.messages.forEach(function (m) { if (m.epoch === chatEpoch || chatEpoch === null) addMessage(m); });
    }, function () { /* live messages still come */ });
  }

  function addMessage(m) {
    var ol = $('messages');
    if (chatEpoch === undefined || chatEpoch === null) {
      chatEpoch = m.epoch;
    } else if (m.epoch !== chatEpoch) {
      historyLost(m.epoch);
    }
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
    pollTimer = setInterval(function () {
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
        $('poll-count').dataset.polls = polls.total;
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

  // the chart sizes itself to its box, with a y axis in ms and a grid line per step
  function draw() {
    var c = $('chart');
    var ratio = window.devicePixelRatio || 1;
    var w = c.clientWidth, h = c.clientHeight;
    if (c.width !== Math.round(w * ratio)) { c.width = Math.round(w * ratio); c.height = Math.round(h * ratio); }
    var g = c.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var highest = Math.max(100, Math.max.apply(null, samples.push.concat(samples.poll)));
    var step = Math.pow(10, Math.floor(Math.log10(highest / 2)));
    if (highest / step > 8) step *= highest / step > 16 ? 5 : 2;
    var max = Math.ceil(highest / step) * step;
    g.font = '11px system-ui, sans-serif';
    var left = g.measureText(max + ' ms').width + 12, bottom = 20, top = 8, right = 8;
    var plotW = w - left - right, plotH = h - top - bottom;
    g.fillStyle = '#444';
    g.strokeStyle = '#ddd';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (var v = 0; v <= max; v += step) {
      var gy = top + plotH - (v / max) * plotH;
      g.beginPath(); g.moveTo(left, gy); g.lineTo(w - right, gy); g.stroke();
      g.fillText(v + ' ms', left - 6, gy);
    }
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    g.fillText('oldest', left, h - 4);
    g.textAlign = 'right';
    g.fillText('newest update', w - right, h - 4);
    [['push', '#1f5fcc'], ['poll', '#a84f00']].forEach(function (k) {
      g.strokeStyle = k[1];
      g.lineWidth = 2;
      g.beginPath();
      samples[k[0]].forEach(function (v, i) {
        var x = left + i * (plotW / 59);
        var y = top + plotH - (v / max) * plotH;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    });
    g.lineWidth = 1;
  }

  draw();
  window.addEventListener('resize', draw);
  var remembered = null;
  try { remembered = localStorage.getItem(NAME_KEY); } catch (err) { /* not available */ }
  if (remembered) join(remembered);
}());
