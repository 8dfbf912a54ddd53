package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;

import dev.tracegate.provisioner.crd.TempoGateway;
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
import org.junit.jupiter.api.Test;

/** A replica that does not lead reconciles nothing, but serves every gateway its document, and so watches for it. */
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

    @Test
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
