package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static dev.tracegate.gateway.testsupport.GrpcExporter.framed;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;

import dev.tracegate.gateway.testsupport.GrpcDistributorStandIn;
import dev.tracegate.gateway.testsupport.GrpcExporter;
import dev.tracegate.gateway.testsupport.GrpcExporter.Answer;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * OTLP gRPC through the gateway: {@code TraceService/Export} over HTTP/2 on the public port, the tenant's name in the
 * {@code x-scope-orgid} metadata, the token in {@code authorization}; refusals are gRPC statuses.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
@QuarkusTestResource(value = GrpcDistributorStandIn.class, restrictToAnnotatedClass = true)
class OtlpGrpcTest {

    private static final GrpcExporter EXPORTER = GrpcExporter.cleartext();

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @AfterAll
    static void closeClient() {
        EXPORTER.close();
    }

    @BeforeEach
    void clear() {
        GrpcDistributorStandIn.clear();
    }

    private Answer export(String tenant, String token, Buffer message) throws Exception {
        return EXPORTER.export(gateway, tenant, token, message);
    }

    @Test
    void aWriterExportsSpansAsItsTenant() throws Exception {
        byte[] spans = new byte[20_000];
        new Random(3).nextBytes(spans);
        Answer answer = export("team-a", KeycloakTestResource.accessToken(KeycloakTestResource.ALICE), framed(spans));
        assertEquals(200, answer.httpStatus());
        assertEquals("0", answer.grpcStatus(), "the distributor's own status, from its trailers");

        GrpcDistributorStandIn.Call call = GrpcDistributorStandIn.lastCall();
        assertEquals(ProxyRoute.OTLP_GRPC_EXPORT, call.path());
        assertEquals("team-a-org", call.headers().get("x-scope-orgid"), "the tenant's id, not its name");
        assertFalse(call.headers().contains("authorization"));
        assertArrayEquals(framed(spans).getBytes(), call.body().getBytes());
        // HTTP/2 names the host in :authority, not in a Host header.
        assertEquals(gateway.getHost() + ":" + gateway.getPort(), call.headers().get("x-forwarded-host"));
        assertEquals("http", call.headers().get("x-forwarded-proto"));
        assertEquals("127.0.0.1", call.headers().get("x-forwarded-for"));
    }

    @Test
    void refusalsAreGrpcStatuses() throws Exception {
        byte[] none = new byte[0];
        double unauthenticated = Scrape.requests(metrics, "team-a", "otlp-grpc", 401);
        double denied = Scrape.requests(metrics, "team-a", "otlp-grpc", 403);
        double ok = Scrape.requests(metrics, "team-a", "otlp-grpc", 200);
        assertEquals("16", export("team-a", null, framed(none)).grpcStatus(), "UNAUTHENTICATED without a token");
        assertEquals("7", export("team-a", KeycloakTestResource.accessToken(KeycloakTestResource.ANNA), framed(none))
                .grpcStatus(), "PERMISSION_DENIED for a reader");
        // Counted as the HTTP statuses they stand for, not as the HTTP 200 that carries them; counted when the answer
        // ends, which may come after the client has it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals(unauthenticated + 1, Scrape.requests(metrics, "team-a", "otlp-grpc", 401));
            assertEquals(denied + 1, Scrape.requests(metrics, "team-a", "otlp-grpc", 403));
        });
        assertEquals(ok, Scrape.requests(metrics, "team-a", "otlp-grpc", 200));
        assertEquals("16", export("team-b", KeycloakTestResource.accessToken(KeycloakTestResource.ALICE), framed(none))
                .grpcStatus(), "another tenant's issuer does not know alice");
        assertEquals("5", export("team-z", KeycloakTestResource.accessToken(KeycloakTestResource.ALICE), framed(none))
                .grpcStatus(), "NOT_FOUND for an unknown tenant");
        assertEquals("5", export(null, KeycloakTestResource.accessToken(KeycloakTestResource.ALICE), framed(none))
                .grpcStatus(), "NOT_FOUND without x-scope-orgid");
        assertNull(GrpcDistributorStandIn.lastCall(), "nothing reached the distributor");
    }

    /**
     * An exporter whose token expired keeps pushing on its one HTTP/2 connection: the refused calls' messages, more
     * than the connection's flow-control window, must not starve the calls after them on that connection.
     */
    @Test
    void refusedCallsWithLargeMessagesLeaveTheConnectionUsable() throws Exception {
        byte[] spans = new byte[1_000_000];
        new Random(5).nextBytes(spans);
        for (int i = 0; i < 4; i++) {
            assertEquals("16", export("team-a", "forged", framed(spans)).grpcStatus(), "UNAUTHENTICATED, call " + i);
        }
        assertNull(GrpcDistributorStandIn.lastCall(), "nothing reached the distributor");
        Answer answer = export("team-a", KeycloakTestResource.accessToken(KeycloakTestResource.ALICE), framed(spans));
        assertEquals("0", answer.grpcStatus(), "the next call on the same connection");
        assertArrayEquals(framed(spans).getBytes(), GrpcDistributorStandIn.lastCall().body().getBytes());
    }
}
