package dev.tracegate.provisioner.expose;

import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.OpenShiftRoutes;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of spec.expose start from: a namespace of their own on the mock API server, which serves OpenShift's
 * Routes while they run (as OpenShift does), and the TempoGateway deleted after each.
 */
abstract class FreshNamespaceWithRoutes {
    @Inject
    KubernetesClient client;

    Cluster cluster;
    String namespace;

    @BeforeEach
    void start() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
        OpenShiftRoutes.install(client);
    }

    @AfterEach
    void stop() {
        cluster.deleteGateway(namespace);
        OpenShiftRoutes.remove(client);
    }
}
