package dev.tracegate.gateway.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * With {@code tracegate.cleartext.http2=false}, the cleartext port bounds the connections that hold an unfinished
 * request head as TLS does ({@link ConnectionLimitOverTlsTest}): each counts from its accept. With h2c on (the
 * default), Vert.x makes a connection only after its first head, and a fourth client is answered beside three held
 * heads. The price: no HTTP/2 with prior knowledge there, so OTLP gRPC without TLS is refused.
 */
@QuarkusTest
@TestProfile(ConnectionLimitInCleartextTest.ThreeConnectionsHttp1Only.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class ConnectionLimitInCleartextTest {

    static final int LIMIT = 3;
    static final String UNFINISHED_HEAD = ConnectionLimitOverTlsTest.UNFINISHED_HEAD;
    static final String WHOLE_REQUEST = ConnectionLimitOverTlsTest.WHOLE_REQUEST;
    /** The connection preface of HTTP/2 with prior knowledge, as a gRPC client without TLS opens with it. */
    static final String HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    public static class ThreeConnectionsHttp1Only implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-connections", String.valueOf(LIMIT), "tracegate.cleartext.http2", "false");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void unfinishedHeadsHoldNoMoreThanTheLimitAndTheHeldOnesAreStillServed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                Socket slow = connect();
                send(slow, UNFINISHED_HEAD);
                held.add(slow);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !answered(WHOLE_REQUEST));

            Socket first = held.get(0);
            send(first, "\r\nConnection: close\r\n\r\n");
            assertEquals(401, RawHttp.readResponse(first.getInputStream()).status());
            first.close();
            held.remove(first);

            await().atMost(Duration.ofSeconds(10)).until(() -> answered(WHOLE_REQUEST));
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void http2WithPriorKnowledgeIsNotSpoken() throws Exception {
        try (Socket client = connect()) {
            send(client, HTTP2_PREFACE);
            // An HTTP/2 server answers the preface with its SETTINGS frame (type 4, the fourth byte); HTTP/1.1 reads
            // "PRI * HTTP/2.0" as a request it refuses.
            byte[] first = client.getInputStream().readNBytes(4);
            assertFalse(first.length == 4 && first[3] == 4, "a SETTINGS frame came back: h2c is on");
            assertEquals("HTTP", new String(first, StandardCharsets.ISO_8859_1));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(gateway.getHost(), gateway.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Whether a new connection's whole request gets an answer (its first byte), not a close or reset. */
    private boolean answered(String request) {
        try (Socket client = connect()) {
            send(client, request);
            return client.getInputStream().read() == 'H';
        } catch (IOException closed) {
            return false;
        }
    }
}
