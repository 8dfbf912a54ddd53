package dev.tracegate.gateway.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 written by hand, for requests ordinary clients refuse to send or quietly repair: raw {@code %2e%2e},
 * double slashes, {@code ;} parameters, a Host of our choosing. Each exchange uses its own connection and
 * {@code Connection: close}.
 */
public final class RawHttp {

    /** A status, the headers (names lower-cased, last value wins) and the body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** {@code GET target} with the given extra header lines (each {@code "Name: value"}). */
    public static Response get(URL server, String target, String... headerLines) throws IOException {
        return exchange(server, "GET", target, headerLines, null);
    }

    public static Response exchange(URL server, String method, String target, String[] headerLines, byte[] body)
            throws IOException {
        return send(server, method, target, headerLines,
                body == null ? null : "Content-Length: " + body.length, body);
    }

    /** {@code method target} with {@code body} as one chunk ({@code Transfer-Encoding: chunked}, no length). */
    public static Response chunked(URL server, String method, String target, String body, String... headerLines)
            throws IOException {
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        return send(server, method, target, headerLines, "Transfer-Encoding: chunked",
                chunked.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code method target} with the given framing header line (or null) and body bytes sent as they are. */
    public static Response send(URL server, String method, String target, String[] headerLines, String framing,
            byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        boolean hostGiven = false;
        for (String line : headerLines) {
            hostGiven |= line.regionMatches(true, 0, "Host:", 0, 5);
            head.append(line).append("\r\n");
        }
        if (!hostGiven) {
            head.append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n");
        }
        if (framing != null) {
            head.append(framing).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                socket.getOutputStream().write(body);
            }
            socket.getOutputStream().flush();
            return parse(socket.getInputStream());
        }
    }

    /**
     * One response read from a connection that may stay open: the head, then a body of its Content-Length (chunked
     * answers are not read here). Nothing beyond it is read.
     */
    public static Response readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        Response headOnly = parse(new java.io.ByteArrayInputStream(head.toByteArray()));
        String length = headOnly.header("content-length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        return new Response(headOnly.status(), headOnly.headers(), new String(body, StandardCharsets.ISO_8859_1));
    }

    /** The next byte the server sends, or -1 once it closed the connection (a reset counts as closed). */
    public static int nextByteOrEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response head: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
