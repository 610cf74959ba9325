package dev.herald.it;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A client on a bare TCP socket, for what well-behaved clients never do: stop reading, send half
 * a request, send one huge WebSocket frame, come from another loopback address. It speaks just
 * enough HTTP/1.1 and WebSocket (RFC 6455, masked client frames) for the abuse tests.
 */
public final class RawSocket implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Random random = new Random();

  private RawSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects from {@code localHost} (any 127.x.y.z works on Linux) with a receive buffer of {@code receiveBuffer} bytes (0: default). */
  public static RawSocket open(int port, String localHost, int receiveBuffer) {
    try {
      Socket s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.bind(new InetSocketAddress(localHost, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(20_000);
      return new RawSocket(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RawSocket open(int port) {
    return open(port, "127.0.0.1", 0);
  }

  public void writeAscii(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a whole request and returns the status code of the answer's status line. */
  public int request(String method, String path, String headers, byte[] body) {
    writeAscii(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
    try {
      out.write(body);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String status = readLine();
    return Integer.parseInt(status.split(" ")[1]);
  }

  /** A whole answer: status and body (the request asked the server to close after it). */
  public record Answer(int status, String body) {
  }

  /** Sends a whole request with {@code Connection: close} and reads the answer to its end. */
  public Answer exchange(String method, String path, String body) {
    int status = request(method, path, "", body.getBytes(StandardCharsets.UTF_8));
    try {
      String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int start = rest.indexOf("\r\n\r\n");
      String payload = start < 0 ? "" : rest.substring(start + 4);
      return new Answer(status, rest.toLowerCase().contains("transfer-encoding: chunked") ? unchunk(payload) : payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < chunked.length()) {
      int eol = chunked.indexOf("\r\n", i);
      int n = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
      if (n == 0) {
        break;
      }
      out.append(chunked, eol + 2, eol + 2 + n);
      i = eol + 2 + n + 2;
    }
    return out.toString();
  }

  /** Opens the raw bridge WebSocket with {@code token}; fails unless the server answers 101. */
  public RawSocket upgrade(String token) {
    writeAscii("GET /eventbus/websocket?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    String status = readLine();
    if (!status.contains(" 101 ")) {
      throw new AssertionError("no upgrade: " + status);
    }
    while (!readLine().isEmpty()) {
      // headers
    }
    return this;
  }

  /** One masked text frame carrying the whole of {@code text}, however long. */
  public void sendFrame(String text) {
    sendFrame(0x1, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /** One masked frame of any kind: {@code opcode} 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  public void sendFrame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    try {
      out.write(f.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void send(JsonObject frame) {
    sendFrame(frame.encode());
  }

  /** A server frame: its opcode and payload. */
  public record Received(int opcode, byte[] payload) {
    public JsonObject json() {
      return new JsonObject(new String(payload, StandardCharsets.UTF_8));
    }

    /** The status code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  /** The next frame from the server; fails on a timeout or end of stream. */
  /**
   * The next frame, past any backend-health notice (a node whose webhook or proxy is down tells each
   * new connection so first: docs/protocol.md, "Backend-health notices"; these tests look at the rest).
   */
  public Received receive() {
    Received r = receiveAny();
    while ((r.opcode() == 1 || r.opcode() == 2) && new String(r.payload(), StandardCharsets.UTF_8).contains("\"address\":\"rt.notices\"")) {
      r = receiveAny();
    }
    return r;
  }

  /** The next frame, whatever it is. */
  public Received receiveAny() {
    try {
      int b0 = readByte();
      int b1 = readByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = (readByte() << 8) | readByte();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | readByte();
        }
      }
      byte[] payload = in.readNBytes((int) len);
      return new Received(b0 & 0x0f, payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads and discards until the server ends the connection; true when it did within the socket's
   * timeout (end of stream or a reset), false when the stream kept going or stayed silent.
   */
  public boolean drainsToEnd() {
    byte[] buf = new byte[64 * 1024];
    try {
      while (in.read(buf) >= 0) {
        // discard
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset by the server
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads until the server ends the connection and returns how many bytes came, or -1 when it
   * did not end within the socket's timeout.
   */
  public long countToEnd() {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
      }
      return total;
    } catch (SocketTimeoutException e) {
      return -1;
    } catch (SocketException e) {
      return total; // reset by the server
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("end of stream");
    }
    return b;
  }

  /** The next line the server sent (a status line, a header), or "" at the end of the stream. */
  public String readLine() {
    StringBuilder b = new StringBuilder();
    try {
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          b.append((char) c);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
