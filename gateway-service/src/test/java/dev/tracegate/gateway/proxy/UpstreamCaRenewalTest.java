package dev.tracegate.gateway.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tracegate.testsupport.CapturedLogs;
import dev.tracegate.gateway.testsupport.GrpcDistributorStandIn;
import dev.tracegate.gateway.testsupport.GrpcExporter;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * Tempo's CA renewed under a running gateway: {@code tracegate.upstream.ca-file} is checked as the issuer CA files
 * are, and the CAs it holds now are trusted for new connections to Tempo, without a restart; a file that turns
 * unreadable leaves the CAs read before in force. The first test needs the file as the stand-in starts it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    @Order(1)
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

    @Test
    @Order(2)
    void aCaFileThatTurnsUnreadableLeavesTheCasReadBefore() throws Exception {
        GrpcDistributorStandIn.renewTheCaFile();
        await().atMost(Duration.ofSeconds(20)).until(() -> "0".equals(export()));
        try (CapturedLogs logs = CapturedLogs.start()) {
            GrpcDistributorStandIn.spoilTheCaFile();
            // The check (every 200 ms here) has read the spoilt file once it says so.
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.records().stream().map(CapturedLogs::text)
                    .anyMatch(line -> line.contains("stay trusted by the CAs read before")));
        }
        // Open connections were verified when they opened: only a new one shows which CAs are in force.
        int accepted = GrpcDistributorStandIn.connectionsAccepted();
        GrpcDistributorStandIn.closeConnections();
        GrpcDistributorStandIn.clear();
        // A call may still meet the connection being closed: the next one opens another.
        await().atMost(Duration.ofSeconds(20)).until(() -> "0".equals(export()));
        assertEquals("team-a-org", GrpcDistributorStandIn.lastCall().headers().get("x-scope-orgid"));
        assertTrue(GrpcDistributorStandIn.connectionsAccepted() > accepted, "the call went over a new connection");
    }
}
