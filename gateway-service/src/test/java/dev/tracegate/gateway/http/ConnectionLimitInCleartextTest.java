package dev.tracegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
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
        HeldHeads.keepTheNextClientOutUntilOneIsServed(this::connect, LIMIT);
    }

    @Test
    void http2WithPriorKnowledgeIsNotSpoken() throws Exception {
        try (Socket client = connect()) {
            HeldHeads.send(client, HTTP2_PREFACE);
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
}
