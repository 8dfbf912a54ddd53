package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.datasources.LastWorkingGrafana;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.TempoOperatorResources;
import dev.tracegate.provisioner.tempooperator.TempoResourceWatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A replica that does not lead reconciles nothing, but serves every gateway its document, and so watches for it; one
 * that led keeps what it learnt then. Either forgets a gateway once it is gone. In order: the first test needs the lead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
@TestProfile(FollowerTest.OwnApplication.class)
class FollowerTest {

    /** An application of its own: the test ends its leadership for good. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @Inject
    KubernetesClient client;

    @Inject
    Leadership leadership;

    @Inject
    TempoResourceWatch tempoResources;

    @Inject
    LastWorkingGrafana lastWorkingGrafana;

    /** While it led, a Grafana connection worked for the gateway; the next leader cleans it up and deletes it. */
    @Test
    @Order(1)
    void aReplicaThatLostTheLeadForgetsTheGrafanaOfAGatewayDeletedMeanwhile() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        String namespace = Fixtures.freshNamespace();
        String key = namespace + "/" + GATEWAY;
        Cluster cluster = new Cluster(client);
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            cluster.create(cluster.seedWithGrafana(namespace, grafana));
            cluster.awaitReady(namespace);
            assertTrue(lastWorkingGrafana.holdsDatasourcesOf(key), "its connection, credentials included, is kept");
        }
        leadership.stop();

        // The new leader's cleanup ends with the finalizer's removal, and the TempoGateway is gone.
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY)
                .edit(g -> {
                    g.getMetadata().setFinalizers(List.of());
                    return g;
                });

        await().atMost(Duration.ofSeconds(20)).until(() -> !lastWorkingGrafana.holdsDatasourcesOf(key));
    }

    @Test
    @Order(2)
    void aFollowerStopsWatchingTheTempoStackOfADeletedGateway() throws Exception {
        leadership.stop();
        String namespace = Fixtures.freshNamespace();
        TempoOperatorResources.create(client, TempoOperatorResources.example(client, "tempostack.yaml", namespace));
        TempoGateway gateway = client.getKubernetesSerialization().unmarshal(
                Files.readString(TempoOperatorResources.EXAMPLES.resolve("tempogateway.yaml")), TempoGateway.class);
        gateway.getMetadata().setNamespace(namespace);
        gateway.getMetadata().setName(GATEWAY);
        gateway.getSpec().grafana = null;
        new Cluster(client).create(gateway);
        TempoResourceWatch.Ref stack = TempoResourceWatch.Ref.of(gateway).orElseThrow();
        // Publishing the gateway's document reads its TempoStack, and watches it from then on.
        await().atMost(Duration.ofSeconds(20)).until(() -> tempoResources.watched().contains(stack));

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> !tempoResources.watched().contains(stack));
    }
}
