// Socket.IO 4 fan-out server for scripts/bench.sh fanout: node socketio-server.js PORT
// Clients emit "subscribe" (room) and "publish" ({room, data}), both acknowledged; a publish is
// emitted to the room as "msg" {seq, data}, seq counting per room (as Herald's channels do).
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 8091);
const io = new Server(port, { serveClient: false, transports: ["websocket"], perMessageDeflate: false });
const seqs = new Map();

io.on("connection", (socket) => {
  socket.on("subscribe", (room, ack) => {
    socket.join(String(room));
    if (typeof ack === "function") ack("ok");
  });
  socket.on("publish", (msg, ack) => {
    const room = String(msg.room);
    const seq = (seqs.get(room) || 0) + 1;
    seqs.set(room, seq);
    io.to(room).emit("msg", { seq, data: msg.data });
    if (typeof ack === "function") ack(seq);
  });
});
console.log(`socket.io ${require("socket.io/package.json").version} listening on ${port}`);
