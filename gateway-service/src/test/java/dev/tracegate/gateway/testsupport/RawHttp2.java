package dev.tracegate.gateway.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

/**
 * One HTTP/2 request over cleartext with prior knowledge, framed by hand: header values go out exactly as given,
 * CR and LF included, which every HTTP/2 client library refuses to send. HPACK is Netty's, without validation.
 */
public final class RawHttp2 {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, GOAWAY = 7, CONTINUATION = 9;
    private static final int END_STREAM = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20, ACK = 0x1;

    /** The answer: status ({@code -1} when the stream was reset or the connection closed first) and body. */
    public record Response(int status, String body) {
    }

    private RawHttp2() {
    }

    public static Response get(URL server, String path, Map<String, String> headers) throws Exception {
        return exchange(server, "GET", path, headers, null);
    }

    /**
     * {@code method path} with {@code body} in one DATA frame (none when null), whatever the headers say of it: a
     * {@code content-length} that does not match goes out as given.
     */
    public static Response exchange(URL server, String method, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method(method).scheme("http").path(path).authority(server.getHost() + ":" + server.getPort());
        headers.forEach(h::add);
        ByteBuf block = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false).encodeHeaders(1, h, block);
        byte[] encoded = new byte[block.readableBytes()];
        block.readBytes(encoded);

        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            frame(out, SETTINGS, 0, 0, new byte[0]);
            frame(out, HEADERS, (body == null ? END_STREAM : 0) | END_HEADERS, 1, encoded);
            if (body != null) {
                frame(out, DATA, END_STREAM, 1, body);
            }
            out.flush();
            return read(new DataInputStream(socket.getInputStream()), out);
        }
    }

    private static Response read(DataInputStream in, OutputStream out) throws Exception {
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
        ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = -1;
        while (true) {
            int length;
            try {
                length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            } catch (java.io.EOFException closed) {
                return new Response(-1, body.toString(StandardCharsets.UTF_8));
            }
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = in.readNBytes(length);
            if (type == SETTINGS && (flags & ACK) == 0) {
                frame(out, SETTINGS, ACK, 0, new byte[0]);
                out.flush();
            } else if (type == GOAWAY || (type == RST_STREAM && stream == 1)) {
                return new Response(status, body.toString(StandardCharsets.UTF_8));
            } else if ((type == HEADERS || type == CONTINUATION) && stream == 1) {
                headerBlock.write(payload);
                if ((flags & END_HEADERS) != 0 && status < 0) {
                    status = status(decoder, headerBlock.toByteArray(), flags);
                }
                if ((flags & END_STREAM) != 0) {
                    return new Response(status, body.toString(StandardCharsets.UTF_8));
                }
            } else if (type == DATA && stream == 1) {
                body.write(payload);
                if ((flags & END_STREAM) != 0) {
                    return new Response(status, body.toString(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** The :status, which a server sends first; the common ones are entries of HPACK's static table. */
    private static int status(DefaultHttp2HeadersDecoder decoder, byte[] block, int flags) throws Exception {
        boolean padded = (flags & PADDED) != 0;
        byte[] fields = java.util.Arrays.copyOfRange(block, (padded ? 1 : 0) + ((flags & PRIORITY) != 0 ? 5 : 0),
                block.length - (padded ? block[0] & 0xff : 0));
        int at = 0;
        while ((fields[at] & 0xe0) == 0x20) { // dynamic table size updates come first
            if ((fields[at++] & 0x1f) == 0x1f) {
                while ((fields[at++] & 0x80) != 0) {
                    // continuation bytes of the size
                }
            }
        }
        int first = fields[at] & 0xff;
        if ((first & 0x80) != 0 && (first & 0x7f) >= 8 && (first & 0x7f) <= 14) {
            return new int[] { 200, 204, 206, 304, 400, 404, 500 }[(first & 0x7f) - 8];
        }
        try {
            return Integer.parseInt(decoder.decodeHeaders(1, Unpooled.wrappedBuffer(fields)).status().toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the status of " + java.util.HexFormat.of().formatHex(fields), e);
        }
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(new byte[] { (byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream });
        out.write(payload);
    }
}
