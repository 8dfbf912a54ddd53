package dev.tracegate.gateway.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.testsupport.PemTrust;
import dev.tracegate.testsupport.ServesHttpsOnly;

/**
 * Over TLS, {@code quarkus.http.limits.max-connections} bounds the connections that hold an unfinished request head:
 * each is counted from its handshake, so clients that trickle heads cannot pile up (their bytes sit in the Java heap,
 * some 41 KB a connection for a 19 KB head: kubernetes/README.md, "Slow clients"). Beyond the limit a new connection
 * is closed after its handshake; the ones already open are served. The limit here is 3 (the gateway's is 512).
 */
@QuarkusTest
@TestProfile(ConnectionLimitOverTlsTest.ThreeConnections.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
@QuarkusTestResource(value = ServesHttpsOnly.class, restrictToAnnotatedClass = true)
class ConnectionLimitOverTlsTest {

    static final int LIMIT = 3;
    static final String UNFINISHED_HEAD = "GET /api/traces/v1/team-a/tempo/api/echo HTTP/1.1\r\nHost: gateway\r\n"
            + "X-Padding: " + "x".repeat(8192);
    static final String WHOLE_REQUEST = "GET /api/traces/v1/team-a/tempo/api/echo HTTP/1.1\r\nHost: gateway\r\n"
            + "Connection: close\r\n\r\n";

    public static class ThreeConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-connections", String.valueOf(LIMIT));
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL gateway;

    /** Sockets that trust the gateway's certificate alone. */
    private SSLSocketFactory trusting;

    @BeforeEach
    void trustTheGateway() throws Exception {
        trusting = PemTrust.of(Files.readString(ServesHttpsOnly.certificate().certificatePem())).getSocketFactory();
    }

    @Test
    void unfinishedHeadsHoldNoMoreThanTheLimitAndTheHeldOnesAreStillServed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                Socket slow = connect();
                send(slow, UNFINISHED_HEAD);
                held.add(slow);
            }
            // One more client is turned away, closed after its handshake (or during it), once the server has counted
            // the held ones (each on its event loop).
            await().atMost(Duration.ofSeconds(10)).until(() -> !answered());

            // The held connections were left alone: one that finishes its head is answered.
            Socket first = held.get(0);
            send(first, "\r\nConnection: close\r\n\r\n");
            assertEquals(401, RawHttp.readResponse(first.getInputStream()).status());
            first.close();
            held.remove(first);

            // Its slot is free again for a new client, once the server has seen it close.
            await().atMost(Duration.ofSeconds(10)).until(this::answered);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private Socket connect() throws Exception {
        SSLSocket socket = (SSLSocket) trusting.createSocket(gateway.getHost(), gateway.getPort());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Whether a new connection's whole request gets an answer (its first byte), not a close, reset or TLS alert. */
    private boolean answered() {
        try (Socket client = connect()) {
            send(client, WHOLE_REQUEST);
            return client.getInputStream().read() == 'H';
        } catch (Exception closed) {
            return false;
        }
    }
}
