// Bare WebSocket fan-out server (the ws library, no framework) for scripts/bench.sh fanout:
// node ws-server.js PORT. Frames are JSON: {"type":"subscribe","room","id"} and
// {"type":"publish","room","data","id"} are answered with {"type":"ok","id"}; a publish is sent to
// the room's sockets as {"type":"msg","room","seq","data"}, encoded once.
const { WebSocketServer } = require("ws");

const port = Number(process.argv[2] || 8092);
const wss = new WebSocketServer({ port, perMessageDeflate: false });
const rooms = new Map();
const seqs = new Map();

wss.on("connection", (ws) => {
  const joined = new Set();
  ws.on("message", (raw) => {
    let m;
    try {
      m = JSON.parse(raw);
    } catch (e) {
      ws.send(JSON.stringify({ type: "err", reason: "not JSON" }));
      return;
    }
    const room = String(m.room);
    if (m.type === "subscribe") {
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room).add(ws);
      joined.add(room);
    } else if (m.type === "publish") {
      const seq = (seqs.get(room) || 0) + 1;
      seqs.set(room, seq);
      const frame = JSON.stringify({ type: "msg", room, seq, data: m.data });
      for (const c of rooms.get(room) || []) c.send(frame);
    }
    ws.send(JSON.stringify({ type: "ok", id: m.id }));
  });
  ws.on("close", () => joined.forEach((room) => rooms.get(room).delete(ws)));
});
console.log(`ws ${require("ws/package.json").version} listening on ${port}`);
