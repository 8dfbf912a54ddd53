package dev.tracegate.provisioner.status;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events on a TempoGateway (what kubectl describe shows): condition transitions and the
 * provisioner's writes. An Event that cannot be written is logged and forgotten: it never fails a reconcile.
 */
@ApplicationScoped
public class GatewayEventRecorder {
    public static final String COMPONENT = "tracegate-provisioner";
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    private static final Logger LOG = Logger.getLogger(GatewayEventRecorder.class);

    private final KubernetesClient client;

    public GatewayEventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** One Event per condition whose status or reason changed (or appeared). */
    public void transitions(TempoGateway gateway, List<Condition> before, List<Condition> after) {
        for (Condition now : after) {
            Optional<Condition> was = Conditions.find(before, now.type);
            boolean changed = was.isEmpty() || !Objects.equals(was.get().status, now.status) || !Objects.equals(was.get().reason, now.reason);
            if (changed) {
                record(gateway, Conditions.isTrue(now) ? NORMAL : WARNING, now.reason, now.type + " is " + now.status + ": " + now.message);
            }
        }
    }

    public void record(TempoGateway gateway, String type, String reason, String message) {
        String namespace = gateway.getMetadata().getNamespace();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(gateway.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(gateway.getApiVersion())
                        .withKind(gateway.getKind())
                        .withNamespace(namespace)
                        .withName(gateway.getMetadata().getName())
                        .withUid(gateway.getMetadata().getUid())
                        .withResourceVersion(gateway.getMetadata().getResourceVersion())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record Event %s on TempoGateway %s: %s", reason, gateway.key(), e.getMessage());
        }
    }
}
