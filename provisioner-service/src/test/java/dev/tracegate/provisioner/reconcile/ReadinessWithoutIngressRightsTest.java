package dev.tracegate.provisioner.reconcile;

import static org.awaitility.Awaitility.await;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import dev.tracegate.provisioner.expose.ExposedObjectWatch;
import dev.tracegate.provisioner.secrets.WrittenSecrets;
import dev.tracegate.provisioner.tempooperator.TempoResourceWatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Readiness (and the API's 503 "starting") waits for the caches its answers come from, not for the watch of the
 * Ingresses and Routes spec.expose made: a provisioner upgraded without the RBAC that lets it list them (or narrowed
 * by hand) must still serve the gateways; its Ingresses are then put back at the resync only.
 */
@EnableKubernetesMockClient(crud = true)
class ReadinessWithoutIngressRightsTest {
    /** What the Ingress informer lists first (the watch comes after a list that worked): its first page. */
    static final String INGRESS_LIST = "/apis/networking.k8s.io/v1/ingresses?labelSelector="
            + "app.kubernetes.io%2Fmanaged-by%3Dtracegate-provisioner&limit=10";
    static final String FORBIDDEN = """
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
             "message": "ingresses.networking.k8s.io is forbidden: User \\"system:serviceaccount:tracegate:tracegate-provisioner\\" cannot list resource \\"ingresses\\" in API group \\"networking.k8s.io\\" at the cluster scope"}
            """;

    KubernetesMockServer server;
    KubernetesClient client;
    int refusedIngressLists;

    @Test
    void theCachesAreSyncedThoughTheIngressesMayNotBeListed() {
        server.expect().get().withPath(INGRESS_LIST).andReturn(403, FORBIDDEN).always();
        GatewayWatch watch = new GatewayWatch(client, config(), new WrittenSecrets(), new ExposedObjectWatch(client),
                new TempoResourceWatch(client));
        watch.start(key -> {
        }, (key, seen) -> {
        }, key -> {
        }, (key, seen) -> {
        });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> refusedIngressLists() > 0 && watch.hasSynced());
        } finally {
            watch.stop();
        }
    }

    /** The Ingress lists asked for so far: each refused. */
    private int refusedIngressLists() throws InterruptedException {
        RecordedRequest request;
        while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            if (INGRESS_LIST.equals(request.getPath())) {
                refusedIngressLists++;
            }
        }
        return refusedIngressLists;
    }

    /** The settings GatewayWatch reads: all namespaces, the default resync. */
    private static ProvisionerConfig config() {
        return (ProvisionerConfig) Proxy.newProxyInstance(ProvisionerConfig.class.getClassLoader(), new Class<?>[] {ProvisionerConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "namespaces" -> Optional.empty();
                    case "resyncInterval" -> Duration.ofMinutes(5);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
