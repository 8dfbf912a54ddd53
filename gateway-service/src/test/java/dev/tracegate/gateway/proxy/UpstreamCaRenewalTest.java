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

import dev.tracegate.gateway.testsupport.GrpcDistributorStandIn;
import dev.tracegate.gateway.testsupport.GrpcExporter;
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

    private static final GrpcExporter EXPORTER = GrpcExporter.cleartext();

    @TestHTTPResource("/")
    URL gateway;

    @AfterAll
    static void closeClient() {
        EXPORTER.close();
    }

    /** An empty export as a writer of team-a; the gRPC status the exporter gets. */
    private String export() throws Exception {
        return EXPORTER.export(gateway, "team-a", KeycloakTestResource.accessToken(KeycloakTestResource.ALICE),
                GrpcExporter.framed(new byte[0])).grpcStatus();
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
