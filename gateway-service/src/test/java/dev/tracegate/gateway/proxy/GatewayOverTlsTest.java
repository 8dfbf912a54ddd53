package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.HttpVersion;

import dev.tracegate.gateway.testsupport.GrpcDistributorStandIn;
import dev.tracegate.gateway.testsupport.GrpcExporter;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RecordedRequest;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.testsupport.PemTrust;
import dev.tracegate.testsupport.ServesHttpsOnly;

/**
 * The gateway's public port over TLS, set up as kubernetes/components/gateway-tls sets it up ({@link ServesHttpsOnly}):
 * Quarkus serves it from PEM files as cert-manager writes them, with no plain listener beside it, so that the users'
 * tokens Grafana forwards cross the network encrypted. HTTP/2 is offered by ALPN (Grafana and OTLP gRPC exporters
 * take it); the management port (probes, metrics) stays plain HTTP.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
@QuarkusTestResource(value = GrpcDistributorStandIn.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "tls", value = "true"))
@QuarkusTestResource(value = ServesHttpsOnly.class, restrictToAnnotatedClass = true)
class GatewayOverTlsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL gateway;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    /** A client that trusts the gateway's certificate alone, as Grafana does with the datasource's tlsCACert. */
    private static HttpClient trustingTheGateway() throws Exception {
        SSLContext tls = PemTrust.of(Files.readString(ServesHttpsOnly.certificate().certificatePem()));
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private URI at(String path) {
        return URI.create(gateway.toString().replaceAll("/$", "") + path);
    }

    @Test
    void grafanaQueriesTempoOverHttpsWithTheForwardedToken() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        URI search = at("/api/traces/v1/team-a/tempo/api/search?limit=20");
        HttpResponse<String> answer = trustingTheGateway().send(HttpRequest.newBuilder(search)
                .header("Authorization", "Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ANNA))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(HttpClient.Version.HTTP_2, answer.version(), "HTTP/2 offered by ALPN");
        RecordedRequest seen = tempo.lastRequest();
        assertEquals("team-a-org", seen.header("X-Scope-OrgID"));
        assertEquals("https", seen.header("X-Forwarded-Proto"));
        assertFalse(seen.hasHeader("Authorization"));
    }

    /**
     * A browser signed in to two tenants sends both session cookies (some 4.5 KB each from Keycloak) on every request.
     * Over HTTP/2 a request's headers may take as much as over HTTP/1.1 (20 KiB), not Vert.x' 8 KiB default.
     */
    @Test
    void requestHeadsAsLargeAsHttp11AllowsAreServedOverHttp2() throws Exception {
        String otherTenantsSession = "q_session_team-b_chunk_1=" + "x".repeat(4000) + "; q_session_team-b_chunk_2="
                + "y".repeat(4000) + "; q_session_team-b_chunk_3=" + "z".repeat(4000);
        HttpResponse<String> answer = trustingTheGateway().send(HttpRequest.newBuilder(
                at("/api/traces/v1/team-a/tempo/api/search?limit=20"))
                .header("Authorization", "Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ANNA))
                .header("Cookie", otherTenantsSession)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(HttpClient.Version.HTTP_2, answer.version());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    @Test
    void exportersPushOtlpGrpcOverTls() throws Exception {
        GrpcDistributorStandIn.clear();
        String status;
        try (GrpcExporter exporter = GrpcExporter.trusting(ServesHttpsOnly.certificate().certificatePem())) {
            status = exporter.export(gateway, "team-a", KeycloakTestResource.accessToken(KeycloakTestResource.ALICE),
                    GrpcExporter.framed("spans".getBytes())).grpcStatus();
        }

        assertEquals("0", status);
        GrpcDistributorStandIn.Call call = GrpcDistributorStandIn.lastCall();
        // and on to a distributor over TLS, trusted through tracegate.upstream.ca-file, in HTTP/2 as ALPN chose
        assertEquals(HttpVersion.HTTP_2, call.version());
        assertEquals("team-a-org", call.headers().get("x-scope-orgid"));
        assertEquals("https", call.headers().get("x-forwarded-proto"));
    }

    @Test
    void thePublicPortSpeaksNoPlainHttpAndTheProbesStayPlainHttp() throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI echo = at("/api/traces/v1/team-a/tempo/api/echo");
        URI cleartext = URI.create(echo.toString().replaceFirst("^https:", "http:"));
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(cleartext)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()));
        // A client that does not trust the gateway's CA sends nothing, its token least of all.
        assertThrows(SSLHandshakeException.class, () -> plain.send(HttpRequest.newBuilder(echo)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()));

        assertEquals("http", ready.getProtocol());
        HttpResponse<String> health = plain.send(HttpRequest.newBuilder(ready.toURI()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        // Ready says so only once the public port listens (health.PublicPortReadinessCheck), here over TLS.
        assertTrue(health.body().matches("(?s).*\"public-port\".*\"scheme\"\\s*:\\s*\"https\".*"), health.body());
    }
}
