package dev.tracegate.provisioner.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Only the holder of the Lease writes; a single replica takes it and keeps it. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class LeadershipTest {
    @Inject
    KubernetesClient client;

    @Inject
    Leadership leadership;

    @Test
    void theOnlyReplicaHoldsTheLeaseAndLeads() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        Lease lease = client.leases().inNamespace(client.getNamespace()).withName("tracegate-provisioner").get();
        assertTrue(lease != null && lease.getSpec().getHolderIdentity() != null && !lease.getSpec().getHolderIdentity().isBlank(),
                "the Lease names its holder: " + lease);
    }
}
