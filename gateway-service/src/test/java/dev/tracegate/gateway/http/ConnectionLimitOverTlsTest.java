package dev.tracegate.gateway.http;

import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
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
        HeldHeads.keepTheNextClientOutUntilOneIsServed(this::connect, LIMIT);
    }

    private Socket connect() throws Exception {
        SSLSocket socket = (SSLSocket) trusting.createSocket(gateway.getHost(), gateway.getPort());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }
}
