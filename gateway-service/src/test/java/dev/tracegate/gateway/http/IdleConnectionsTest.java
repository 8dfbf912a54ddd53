package dev.tracegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * A client's connection that moves no byte for {@code quarkus.http.idle-timeout} is closed, whatever it left
 * unfinished: a request head (the cheapest way to hold the gateway's memory), HTTP/2's preface, or nothing after a
 * whole answer. A client waiting on a silent Tempo gets the 504 first. The idle timeout here is 3 s (the gateway's
 * is 2 minutes: application.properties).
 */
@QuarkusTest
@TestProfile(IdleConnectionsTest.ShortIdleTimeout.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class IdleConnectionsTest {

    static final long IDLE_TIMEOUT_MILLIS = 3_000;

    /** The upstream timeout must be shorter than the idle timeout (SettingRanges). */
    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", IDLE_TIMEOUT_MILLIS + "ms",
                    "tracegate.upstream.timeout", "1s");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @AfterEach
    void calmTempo() {
        TempoStandInResource.tempo().reset();
    }

    @Test
    void aConnectionThatLeavesItsRequestHeadUnfinishedIsClosed() throws Exception {
        int requestsBefore = TempoStandInResource.tempo().requests().size();
        try (Socket client = connect()) {
            send(client, "POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: gateway\r\nX-Padding: "
                    + "x".repeat(4096));
            assertClosedAfterTheIdleTimeout(client);
        }
        assertEquals(requestsBefore, TempoStandInResource.tempo().requests().size(), "nothing went to Tempo");
    }

    /** Cleartext HTTP/2 with prior knowledge (OTLP gRPC): the preface, then nothing. */
    @Test
    void anHttp2ConnectionThatSendsNoRequestIsClosed() throws Exception {
        try (Socket client = connect()) {
            send(client, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            client.getOutputStream().write(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }); // an empty SETTINGS frame
            assertClosedAfterTheIdleTimeout(client);
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedOnceItIdles() throws Exception {
        try (Socket client = connect()) {
            send(client, "GET /api/traces/v1/team-a/tempo/api/search HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                    + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE) + "\r\n\r\n");
            assertEquals(200, RawHttp.readResponse(client.getInputStream()).status());
            assertClosedAfterTheIdleTimeout(client);
        }
    }

    /** Tempo's silence (1 s here) ends in the 504 that says so, not in the idle timeout's closed connection. */
    @Test
    void aClientWaitingOnASilentTempoGetsThe504() throws Exception {
        TempoStandInResource.tempo().hang();
        try (Socket client = connect()) {
            send(client, "GET /api/traces/v1/team-a/tempo/api/search HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                    + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE) + "\r\n\r\n");
            RawHttp.Response answer = RawHttp.readResponse(client.getInputStream());
            assertEquals(504, answer.status());
            assertEquals("upstream_timeout", JsonPath.from(answer.body()).getString("error"));
        }
    }

    private Socket connect() throws IOException {
        Socket client = new Socket(gateway.getHost(), gateway.getPort());
        client.setSoTimeout(30_000); // a gateway that never closes fails the test instead of hanging it
        return client;
    }

    private static void send(Socket client, String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads until the gateway closes the connection, skipping whatever it sends first (HTTP/2's SETTINGS). Not
     * before the idle timeout: a lower bound, which a busy machine cannot break.
     */
    private static void assertClosedAfterTheIdleTimeout(Socket client) throws IOException {
        long start = System.nanoTime();
        InputStream in = client.getInputStream();
        while (in.read() >= 0) {
            // skip
        }
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis >= IDLE_TIMEOUT_MILLIS - 500,
                () -> "closed after " + waitedMillis + " ms, before the idle timeout: not by it");
    }
}
