package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.tracegate.gateway.testsupport.GrpcDistributorStandIn;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * Tempo's CA renewed under a running gateway: {@code tracegate.upstream.ca-file} is checked as the issuer CA files
 * are, and the CAs it holds now are trusted for new connections to Tempo, without a restart.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
@QuarkusTestResource(value = GrpcDistributorStandIn.class, restrictToAnnotatedClass = true,
        initArgs = { @ResourceArg(name = "tls", value = "true"), @ResourceArg(name = "trust", value = "later") })
class UpstreamCaRenewalTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final HttpClient GRPC = VERTX.createHttpClient(new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));

    @TestHTTPResource("/")
    URL gateway;

    @AfterAll
    static void closeClient() {
        VERTX.close();
    }

    /** An empty export as a writer of team-a; the gRPC status the exporter gets. */
    private String export() throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(gateway.toString().replaceAll("/$", "") + ProxyRoute.OTLP_GRPC_EXPORT)
                .putHeader("content-type", "application/grpc").putHeader("te", "trailers")
                .putHeader("x-scope-orgid", "team-a")
                .putHeader("authorization", "Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE));
        return GRPC.request(options)
                .compose(request -> request.send(Buffer.buffer().appendByte((byte) 0).appendInt(0)))
                .compose(response -> response.body().map(body -> response.trailers().contains("grpc-status")
                        ? response.trailers().get("grpc-status") : response.headers().get("grpc-status")))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRenewedCaFileIsTrustedWithoutARestart() throws Exception {
        GrpcDistributorStandIn.clear();
        assertEquals("14", export(), "UNAVAILABLE while the file holds another CA: the distributor is not trusted");
        assertNull(GrpcDistributorStandIn.lastCall(), "nothing reached a distributor the gateway does not trust");

        GrpcDistributorStandIn.renewTheCaFile();
        String status = export();
        for (long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); !"0".equals(status)
                && System.nanoTime() < giveUp;) {
            Thread.sleep(100);
            status = export();
        }

        assertEquals("0", status, "the distributor is trusted once its CA is in the file");
        assertEquals("team-a-org", GrpcDistributorStandIn.lastCall().headers().get("x-scope-orgid"));
    }
}
