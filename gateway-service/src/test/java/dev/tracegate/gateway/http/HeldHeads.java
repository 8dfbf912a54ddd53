package dev.tracegate.gateway.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tracegate.gateway.testsupport.RawHttp;

/**
 * What the connection-limit tests play, over TLS and in cleartext: {@code limit} clients each hold an unfinished
 * request head; one more client is turned away (closed or reset, not answered) once the server has counted them
 * (each on its event loop); a held one that finishes its head is answered; its slot is then free for a new client.
 */
final class HeldHeads {
    static final String UNFINISHED_HEAD = "GET /api/traces/v1/team-a/tempo/api/echo HTTP/1.1\r\nHost: gateway\r\n"
            + "X-Padding: " + "x".repeat(8192);
    static final String WHOLE_REQUEST = "GET /api/traces/v1/team-a/tempo/api/echo HTTP/1.1\r\nHost: gateway\r\n"
            + "Connection: close\r\n\r\n";

    /** Opens a connection to the gateway's port under test (with its handshake, over TLS). */
    interface Connector {
        Socket connect() throws Exception;
    }

    private HeldHeads() {
    }

    static void keepTheNextClientOutUntilOneIsServed(Connector connector, int limit) throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                Socket slow = connector.connect();
                send(slow, UNFINISHED_HEAD);
                held.add(slow);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !answered(connector));

            Socket first = held.get(0);
            send(first, "\r\nConnection: close\r\n\r\n");
            assertEquals(401, RawHttp.readResponse(first.getInputStream()).status());
            first.close();
            held.remove(first);

            await().atMost(Duration.ofSeconds(10)).until(() -> answered(connector));
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Whether a new connection's whole request gets an answer (its first byte), not a close, reset or TLS alert. */
    private static boolean answered(Connector connector) {
        try (Socket client = connector.connect()) {
            send(client, WHOLE_REQUEST);
            return client.getInputStream().read() == 'H';
        } catch (Exception closed) {
            return false;
        }
    }
}
