/*
 * herald-client.js: a thin helper over the official @vertx/eventbus-bridge-client.js.
 *
 *   const herald = HeraldClient.connect('https://host/eventbus', { getToken: () => fetchToken() });
 *   herald.subscribe('room.1', (msg, meta) => ..., info => console.log('recovered?', info.recovered));
 *
 * It reconnects with exponential backoff and jitter (at most maxAttempts tries, then gives up and
 * says so through onState), registers its subscriptions again, asks each channel's history from
 * the last seq it saw, hands the app every message once and in seq order (de-duplicated by seq),
 * tells the app whether the gap was fully recovered (after a reconnect, a hole in the live stream,
 * or a new epoch: the channel's history was lost), and refreshes the token before exp through
 * the app's getToken callback. In a browser, load sockjs and vertx-eventbus.js first; in Node,
 * pass the EventBus constructor as options.EventBus. A channel subscribed with {delta: true}
 * gets its messages as JSON Patches of the one before where its namespace sends them, and hands
 * the app whole data all the same: in a browser load /vendor/fast-json-patch.min.js too; in Node
 * pass require('fast-json-patch') as options.jsonpatch (or have it where this file can require it).
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) {
    module.exports = factory(function () { try { return require('fast-json-patch'); } catch (e) { return null; } });
  } else {
    root.HeraldClient = factory(function () { return root.jsonpatch; });
  }
}(typeof self !== 'undefined' ? self : this, function (loadJsonPatch) {
  'use strict';

  var DEFAULTS = {
    maxAttempts: 8,        // reconnect tries before giving up
    baseDelayMs: 500,      // first backoff; doubles each try
    maxDelayMs: 15000,     // backoff cap
    refreshBeforeMs: 30000, // refresh the token this long before exp
    historyPage: 1000       // messages asked per history request
  };

  function jwtExp(token) {
    try {
      var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      var json = typeof atob === 'function' ? atob(part) : Buffer.from(part, 'base64').toString('utf8');
      return JSON.parse(json).exp;
    } catch (e) {
      return undefined;
    }
  }

  function HeraldClient(url, options) {
    this.url = url;
    this.options = Object.assign({}, DEFAULTS, options || {});
    this.EventBus = this.options.EventBus || (typeof EventBus !== 'undefined' ? EventBus : null); // eslint-disable-line no-undef
    if (!this.EventBus) throw new Error('HeraldClient needs the official EventBus (vertx-eventbus.js)');
    this.onState = this.options.onState || function () {};
    this.channels = {};   // name -> { onMessage, onRecover, lastSeq, epoch, recovering, buffer }
    this.handlers = {};   // address -> [callback]
    this.attempt = 0;
    this.closed = false;
    this.eb = null;
    this.token = this.options.token || null;
    // backend-health notices: what the node says is degraded now ({what: notice}), and onNotice(notice)
    // for each change; a new connection is told what is degraded at once
    this.degraded = {};
    var self = this;
    this.on('rt.notices', function (err, n) {
      if (err || !n || typeof n.what !== 'string') return;
      if (n.type === 'degraded') self.degraded[n.what] = n; else delete self.degraded[n.what];
      if (self.options.onNotice) self.options.onNotice(n);
    });
  }

  HeraldClient.connect = function (url, options) {
    var c = new HeraldClient(url, options);
    c._open();
    return c;
  };

  HeraldClient.prototype._state = function (state, info) {
    this.state = state;
    try { this.onState(state, info || {}); } catch (e) { /* the app's problem */ }
  };

  HeraldClient.prototype._token = function () {
    var self = this;
    if (self.options.getToken) {
      return Promise.resolve(self.options.getToken()).then(function (t) { self.token = t; return t; });
    }
    return Promise.resolve(self.token);
  };

  HeraldClient.prototype._open = function () {
    var self = this;
    self._state(self.attempt === 0 ? 'connecting' : 'reconnecting', { attempt: self.attempt });
    self._token().then(function (token) {
      if (self.closed) return;
      var sep = self.url.indexOf('?') < 0 ? '?' : '&';
      var eb = new self.EventBus(self.url + sep + 'token=' + encodeURIComponent(token), self.options.sockjs || {});
      self.eb = eb;
      var opened = false;
      var closing = null; // the server's last frame names its close code (SockJS transports cannot)
      eb.onopen = function () {
        opened = true;
        // the tries count again from zero once the connection held a second (a busy node opens,
        // then turns the connection away with a hint: that is not a success)
        clearTimeout(self.stableTimer);
        self.stableTimer = setTimeout(function () { if (self.eb === eb) { self.attempt = 0; self.hinted = 0; } }, 1000);
        self._state('open');
        self._scheduleRefresh();
        // another node, or the same one later: what was degraded is told again by it, if it still is
        Object.keys(self.degraded).forEach(function (what) {
          var n = { type: 'recovered', what: what, since: self.degraded[what].since, at: Date.now(), reconnected: true };
          delete self.degraded[what];
          if (self.options.onNotice) self.options.onNotice(n);
        });
        Object.keys(self.handlers).forEach(function (address) { self._register(address); });
        Object.keys(self.channels).forEach(function (name) { self._resubscribe(name); });
        if (self.contactList) self._sendContacts().catch(function (err) { self._state('error', { contacts: true, error: err }); });
      };
      eb.onclose = function (e) {
        if (self.eb !== eb) return;
        self.eb = null;
        clearTimeout(self.refreshTimer);
        if (self.closed) { self._state('closed'); return; }
        self._reconnect(closing ? closing.message : opened ? 'connection lost' : 'connect failed', closing ? closing.failureCode : e && e.code,
          closing ? closing.retryAfterMs : undefined);
      };
      eb.onerror = function (err) {
        if (err && err.body === 'closed') closing = err;
        self._state('error', err);
      };
    }, function (err) {
      self._reconnect('no token: ' + err);
    });
  };

  /** Close codes after which reconnecting would be wrong: disconnected (or revoked) by the server. */
  var FINAL_CLOSE_CODES = [4403];

  // hintMs: the server's retryAfterMs (a busy node's slot, a draining node's moment): never sooner
  HeraldClient.prototype._reconnect = function (why, code, hintMs) {
    var self = this;
    if (FINAL_CLOSE_CODES.indexOf(code) >= 0) {
      self.closed = true;
      self._state('closed', { reason: why, code: code });
      return;
    }
    // a hint is a number of ms the server may name, at most a minute: anything else is no hint
    var hinted = typeof hintMs === 'number' && isFinite(hintMs) && hintMs >= 0 && hintMs <= 60000;
    self.hinted = (self.hinted || 0) + (hinted ? 1 : 0);
    if (self.attempt >= self.options.maxAttempts || self.hinted > 4 * self.options.maxAttempts) {
      self._state('gave_up', { reason: why, attempts: self.attempt + self.hinted });
      return;
    }
    var exp = Math.min(self.options.maxDelayMs, self.options.baseDelayMs * Math.pow(2, self.attempt));
    // "full jitter": anywhere from 0 to the exponential bound, so a crowd that lost its node at
    // the same moment does not come back at the same moments; a server's hint is a floor
    var delay = Math.round(Math.random() * exp);
    if (hinted) {
      delay = Math.max(delay, Math.round(hintMs)); // a busy node that names a time is alive: a looser bound (4 × maxAttempts)
    } else {
      self.attempt++;
    }
    self._state('backoff', { reason: why, code: code, attempt: self.attempt, delayMs: delay });
    self.retryTimer = setTimeout(function () { self._open(); }, delay);
  };

  HeraldClient.prototype._scheduleRefresh = function () {
    var self = this;
    if (!self.options.getToken) return;
    var exp = jwtExp(self.token);
    if (!exp) return;
    var wait = Math.max(0, exp * 1000 - Date.now() - self.options.refreshBeforeMs);
    clearTimeout(self.refreshTimer);
    self.refreshTimer = setTimeout(function () {
      self._token().then(function (fresh) {
        return self.request('rt.auth.refresh', { token: fresh });
      }).then(function (reply) {
        self._state('refreshed', { exp: reply.exp });
        self._scheduleRefresh();
      }, function (err) {
        self._state('error', { reason: 'token refresh failed', error: err });
      });
    }, wait);
  };

  HeraldClient.prototype._register = function (address) {
    var self = this;
    self.eb.registerHandler(address, function (err, msg) {
      (self.handlers[address] || []).forEach(function (cb) { cb(err, err ? null : msg.body); });
    });
  };

  /** Requests a service; resolves with the reply body, rejects with {failureCode, message}. */
  HeraldClient.prototype.request = function (address, body) {
    var eb = this.eb;
    return new Promise(function (resolve, reject) {
      if (!eb || eb.state !== 1) { reject({ failureCode: 5030, message: 'unavailable: not connected' }); return; }
      eb.send(address, body, function (err, msg) { if (err) reject(err); else resolve(msg.body); });
    });
  };

  HeraldClient.prototype.publish = function (channel, data) {
    // every publish carries an id, so the one retry after `unavailable` (5030: a node died, a
    // request timed out) cannot store the message twice
    var self = this;
    var body = { channel: channel, data: data, id: 'hc-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12) };
    return self.request('rt.channel.publish', body).catch(function (err) {
      if (err && err.failureCode === 5030) {
        return new Promise(function (wait) { setTimeout(wait, 500); }).then(function () { return self.request('rt.channel.publish', body); });
      }
      throw err;
    });
  };

  // what this connection is: {user, connId, expireAt, proxied, data?, subscribed, channelData}
  // (data: what the backend's connect answer handed the client; channelData: its subscribe answers')
  HeraldClient.prototype.session = function () {
    return this.request('rt.session', {});
  };

  // calls the backend's rpc proxy: resolves with its result, rejects with its error
  HeraldClient.prototype.rpc = function (method, data) {
    return this.request('rt.rpc', { method: method, data: data });
  };

  HeraldClient.prototype.setStatus = function (status) {
    return this.request('rt.presence.set', { status: status });
  };

  /** Any address: callback(err, body). Registered again after every reconnect. */
  HeraldClient.prototype.on = function (address, callback) {
    var first = !this.handlers[address];
    (this.handlers[address] = this.handlers[address] || []).push(callback);
    if (first && this.eb && this.eb.state === 1) this._register(address);
  };

  HeraldClient.prototype.watchPresence = function (userId, callback) {
    this.on('rt.presence.user.' + userId, callback);
  };

  /**
   * Follows these users' presence (the whole list: call again to change it, [] for nobody):
   * onPresence(presence) for each one now and for every change (an answer older than an event
   * already shown is skipped), also after a reconnect (the list is sent again). Resolves with
   * {users: {id: Presence}}.
   */
  HeraldClient.prototype.setContacts = function (users, onPresence) {
    var self = this;
    self.contactList = users.slice();
    self.onContact = onPresence || function () {};
    self.contactVersions = self.contactVersions || {};
    if (!self.handlers['rt.presence.contacts']) {
      self.on('rt.presence.contacts', function (err, p) { if (!err) self._contact(p); });
    }
    return self._sendContacts();
  };

  HeraldClient.prototype._sendContacts = function () {
    var self = this;
    return self.request('rt.presence.contacts', { users: self.contactList }).then(function (r) {
      Object.keys(r.users).forEach(function (id) { self._contact(r.users[id], true); });
      return r;
    });
  };

  // events come in version order (the server keeps it, resetting it after a split healed); an
  // answer read while an event was on its way may be older than that event
  HeraldClient.prototype._contact = function (p, fromAnswer) {
    var seen = this.contactVersions[p.userId];
    if (fromAnswer && seen !== undefined && p.version < seen) return;
    this.contactVersions[p.userId] = p.version;
    if (this.contactList.indexOf(p.userId) >= 0) this.onContact(p);
  };

  /**
   * A channel: onMessage(message, {replayed}) once per seq, in order; onRecover({channel,
   * recovered, epoch, replayed, reason}) each time the client had to fill from history, recovered
   * false when messages were lost. reason: 'reconnect' (after each reconnect), 'gap' (a hole in the
   * live stream) or 'epoch' (a message of a new epoch arrived: the channel's history was lost, as
   * after two faults at once; previousEpoch names the old one, and recovered is always false).
   * options.delta: ask for the channel's messages as deltas (its namespace must send them, else
   * the subscription fails with 4000): the client applies each to the data of the message before,
   * which it keeps, so onMessage still gets whole data (a copy of its own: change it freely).
   */
  HeraldClient.prototype.subscribe = function (name, onMessage, onRecover, options) {
    var delta = !!(options && options.delta);
    if (delta && !this.jsonpatch) {
      this.jsonpatch = this.options.jsonpatch || loadJsonPatch();
      if (!this.jsonpatch) throw new Error('delta subscriptions need fast-json-patch (load /vendor/fast-json-patch.min.js, or pass options.jsonpatch)');
    }
    this.channels[name] = { onMessage: onMessage, onRecover: onRecover || function () {}, lastSeq: null, epoch: null, recovering: false, buffer: [], pastEpochs: [],
      delta: delta, base: undefined };
    if (this.eb && this.eb.state === 1) this._resubscribe(name);
  };

  HeraldClient.prototype._resubscribe = function (name) {
    var self = this;
    var ch = self.channels[name];
    ch.recovering = ch.lastSeq !== null;
    ch.buffer = [];
    var onFrame = function (err, msg) {
      if (err) { self._state('error', { channel: name, error: err }); return; }
      var m = msg.body;
      if (Array.isArray(m) && msg.delta === true) {
        // the delta form: [seq, patch, from?, traceId?], a JSON Patch of the data of seq - 1
        m = { channel: name, seq: m[0], epoch: ch.wireEpoch, patch: m[1], from: m[2] == null ? undefined : m[2], traceId: m[3] };
      } else if (Array.isArray(m)) {
        // the short form: [seq, data, from?, traceId?] in the epoch of the last long one
        m = { channel: name, seq: m[0], epoch: ch.wireEpoch, data: m[1], from: m[2] == null ? undefined : m[2], traceId: m[3] };
      } else {
        ch.wireEpoch = m.epoch;
      }
      self._onLive(name, m);
    };
    if (ch.delta) self.eb.registerHandler('rt.channel.' + name, { delta: 'json-patch' }, onFrame);
    else self.eb.registerHandler('rt.channel.' + name, onFrame);
    if (!ch.recovering) return;
    self._recover(name, ch.lastSeq, true, 0, 'reconnect');
  };

  /** A live message (or one that waited while history was read): delivered, or the start of a recovery. */
  HeraldClient.prototype._onLive = function (name, m) {
    var self = this;
    var ch = self.channels[name];
    if (ch.recovering) {
      ch.buffer.push(m);
    } else if (ch.epoch !== null && m.epoch !== ch.epoch && ch.pastEpochs.indexOf(m.epoch) >= 0) {
      // a late message of an epoch already left behind: history says it is gone
    } else if (ch.epoch !== null && m.epoch !== ch.epoch) {
        // a new epoch: what the old one held past lastSeq is gone; the new one is read from its start
      var previous = ch.epoch;
      ch.pastEpochs.push(previous);
      ch.recovering = true;
      ch.buffer.push(m);
      ch.epoch = m.epoch;
      ch.lastSeq = 0;
      ch.checkedTo = -1;
      self._recover(name, 0, false, 0, 'epoch', previous);
    } else if (m.patch !== undefined) {
      self._onDelta(name, m);
    } else if (ch.lastSeq !== null && m.epoch === ch.epoch && m.seq > ch.lastSeq + 1 && !(ch.checkedTo >= m.seq - 1)) {
      // a hole in the live stream: fill it from history before going on (a hole that history,
      // read up to checkedTo, could not fill either was reported then, and is not asked again)
      ch.recovering = true;
      ch.buffer.push(m);
      self._recover(name, ch.lastSeq, true, 0, 'gap');
    } else {
      self._deliver(ch, m, false);
    }
  };

  /**
   * A delta applies to the data of seq - 1 only: applied when that is the message delivered last,
   * dropped when seq was delivered already; otherwise seq is read from history (which is always
   * whole) with whatever is missing before it, and the delta is dropped then. A patch is never
   * applied to another base.
   */
  HeraldClient.prototype._onDelta = function (name, m) {
    var self = this;
    var ch = self.channels[name];
    if (ch.lastSeq !== null && m.epoch === ch.epoch && m.seq <= ch.lastSeq) return; // had it (from history)
    if (ch.lastSeq === m.seq - 1 && m.epoch === ch.epoch && ch.base !== undefined) {
      var data;
      try {
        data = self.jsonpatch.applyPatch(ch.base, m.patch, false, false).newDocument;
      } catch (e) {
        data = undefined;
      }
      if (data !== undefined) {
        self._deliver(ch, { channel: m.channel, seq: m.seq, epoch: m.epoch, data: data, from: m.from, traceId: m.traceId }, false);
        return;
      }
    }
    if (m.asked || ch.checkedTo >= m.seq) return; // history was asked for it and did not give it: lost (the recovery said so)
    m.asked = true;
    ch.recovering = true;
    ch.buffer.push(m);
    self._recover(name, ch.lastSeq !== null && m.epoch === ch.epoch ? ch.lastSeq : Math.max(0, m.seq - 1), true, 0, 'gap');
  };

  HeraldClient.prototype._recover = function (name, since, recoveredSoFar, replayed, reason, previousEpoch) {
    var self = this;
    var ch = self.channels[name];
    self.request('rt.channel.history', { channel: name, since: since, limit: self.options.historyPage }).then(function (h) {
      if (ch.epoch !== null && h.epoch !== null && h.epoch !== ch.epoch) {
        // the channel started a new epoch meanwhile: read it from its start (its seqs began again at 1)
        var previous = ch.epoch;
        ch.pastEpochs.push(previous);
        ch.epoch = h.epoch;
        ch.lastSeq = 0;
        ch.checkedTo = -1;
        self._recover(name, 0, false, replayed, 'epoch', previous);
        return;
      }
      var recovered = recoveredSoFar && h.recovered && (ch.epoch === null || h.epoch === null || h.epoch === ch.epoch);
      h.messages.forEach(function (m) { if (self._deliver(ch, m, true)) replayed++; });
      var last = h.messages.length ? h.messages[h.messages.length - 1].seq : since;
      if (h.messages.length === self.options.historyPage && last < h.nextSeq - 1) {
        self._recover(name, last, recovered, replayed, reason, previousEpoch); // more pages
        return;
      }
      ch.recovering = false;
      ch.checkedTo = h.nextSeq - 1;
      self._recovered(ch, { channel: name, recovered: recovered, epoch: h.epoch, replayed: replayed, reason: reason }, previousEpoch);
      self._drain(name);
    }, function (err) {
      ch.recovering = false;
      ch.checkedTo = ch.lastSeq; // not read: the next hole asks again
      self._recovered(ch, { channel: name, recovered: false, error: err, replayed: replayed, reason: reason }, previousEpoch);
      self._drain(name);
    });
  };

  /** What arrived while history was read goes through the live path: a stale epoch is dropped, a new hole recovered. */
  HeraldClient.prototype._drain = function (name) {
    var self = this;
    var ch = self.channels[name];
    var waiting = ch.buffer.splice(0);
    for (var i = 0; i < waiting.length; i++) {
      if (ch.recovering) { ch.buffer = ch.buffer.concat(waiting.slice(i)); return; }
      self._onLive(name, waiting[i]);
    }
  };

  HeraldClient.prototype._recovered = function (ch, info, previousEpoch) {
    if (previousEpoch !== undefined) info.previousEpoch = previousEpoch;
    ch.onRecover(info);
  };

  /** Delivers once per seq, in order; returns whether it was new. */
  HeraldClient.prototype._deliver = function (ch, m, replayed) {
    if (ch.epoch !== null && m.epoch !== ch.epoch) {
      if (ch.pastEpochs.indexOf(m.epoch) >= 0) return false; // an epoch left behind
      ch.pastEpochs.push(ch.epoch);
      ch.lastSeq = null; // history was lost: new numbering
    }
    ch.epoch = m.epoch;
    if (ch.lastSeq !== null && m.seq <= ch.lastSeq) return false;
    ch.lastSeq = m.seq;
    // the base of the next delta: a copy of its own, so the app may change what it is handed
    if (ch.delta) ch.base = this.jsonpatch.deepClone(m.data);
    ch.onMessage(m, { replayed: replayed });
    return true;
  };

  HeraldClient.prototype.close = function () {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    if (this.eb) this.eb.close(); else this._state('closed');
  };

  return HeraldClient;
}));
