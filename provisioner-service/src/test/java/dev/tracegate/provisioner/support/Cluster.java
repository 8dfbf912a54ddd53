package dev.tracegate.provisioner.support;

import static org.awaitility.Awaitility.await;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.status.Conditions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What a person would look at with kubectl, for assertions. */
public final class Cluster {
    private static final int EDIT_ATTEMPTS = 5;
    public static final String GRAFANA_CREDENTIALS = "grafana-admin";

    private final KubernetesClient client;

    public Cluster(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the gateway as the API server stores it: with the CRD's defaults. */
    public TempoGateway create(TempoGateway gateway) {
        return client.resource(CrdDefaults.applied(gateway, client.getKubernetesSerialization())).create();
    }

    public void apply(Secret secret) {
        client.resource(secret).createOr(existing -> existing.update());
    }

    /**
     * The seed TempoGateway ({@link Fixtures#seedGateway}) and the Grafana OAuth Secret its secretSync reads, with
     * this client secret, once the provisioner has made it Ready.
     */
    public void seedReadyGateway(String namespace, String clientSecret) {
        apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", clientSecret));
        create(Fixtures.seedGateway(namespace));
        awaitReady(namespace);
    }

    /**
     * The seed TempoGateway with spec.grafana at this Grafana stand-in, not created yet (to be changed further, then
     * given to {@link #create}), and the Secrets it reads: Grafana's OAuth client, and the service-account token of
     * the Secret {@link #GRAFANA_CREDENTIALS}.
     */
    public TempoGateway seedWithGrafana(String namespace, GrafanaStandIn grafana) {
        apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
        apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN)));
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().grafana = Fixtures.grafana(grafana.url().toString(), GRAFANA_CREDENTIALS);
        return gateway;
    }

    /** Waits until the gateway's Ready condition is True. */
    public void awaitReady(String namespace) {
        await().atMost(Duration.ofSeconds(20)).until(() -> conditionIs(namespace, Conditions.READY, "True"));
    }

    public TempoGateway gateway(String namespace) {
        return client.resources(TempoGateway.class).inNamespace(namespace).withName(Fixtures.GATEWAY).get();
    }

    /** Deletes the gateway and waits until its cleanup is done and it is gone. */
    public void deleteGateway(String namespace) {
        client.resources(TempoGateway.class).inNamespace(namespace).withName(Fixtures.GATEWAY).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway(namespace) == null);
    }

    /** Changes the gateway's spec as {@code kubectl edit} does. */
    public TempoGateway editGateway(String namespace, Consumer<TempoGateway> change) {
        return retryOnConflict(() -> client.resources(TempoGateway.class).inNamespace(namespace).withName(Fixtures.GATEWAY)
                .edit(g -> {
                    change.accept(g);
                    return CrdDefaults.applied(g, client.getKubernetesSerialization());
                }));
    }

    /** Changes a Secret by hand, as {@code kubectl edit} does. */
    public Secret editSecret(String namespace, String name, Consumer<Secret> change) {
        return retryOnConflict(() -> client.secrets().inNamespace(namespace).withName(name).edit(s -> {
            change.accept(s);
            return s;
        }));
    }

    /**
     * fabric8's edit sends the resourceVersion it read, so a write of the provisioner in between (a status update)
     * answers 409 Conflict, as a real API server does. Like client-go's {@code RetryOnConflict}: read again and make
     * the same change on the fresh version.
     */
    private static <T> T retryOnConflict(Supplier<T> edit) {
        for (int attempt = 1;; attempt++) {
            try {
                return edit.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == EDIT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public Optional<Condition> condition(String namespace, String type) {
        TempoGateway gateway = gateway(namespace);
        if (gateway == null || gateway.getStatus() == null || gateway.getStatus().conditions == null) {
            return Optional.empty();
        }
        return gateway.getStatus().conditions.stream().filter(c -> type.equals(c.type)).findFirst();
    }

    public boolean conditionIs(String namespace, String type, String status) {
        return condition(namespace, type).map(c -> status.equals(c.status)).orElse(false);
    }

    public Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** A Secret's value as text, or null. */
    public String secretValue(String namespace, String name, String key) {
        Secret secret = secret(namespace, name);
        if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
            return null;
        }
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    public List<Event> events(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems();
    }

    public KubernetesClient client() {
        return client;
    }
}
