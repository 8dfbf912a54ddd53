package dev.tracegate.provisioner.status;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events on a TempoGateway (what kubectl describe shows): condition transitions and the
 * provisioner's writes. An Event that cannot be written is logged and forgotten: it never fails a reconcile.
 *
 * <p>A repeat is counted, not recorded again, as client-go's EventRecorder does: the same type, reason and message
 * on the same TempoGateway (its uid) within {@link #REPEAT_WINDOW} of the last time raises the count and
 * lastTimestamp of the Event made before ({@code kubectl describe}: "x5 over 10m"). A cleanup retried with backoff,
 * or an Ingress deleted by hand again and again, is then one Event, not one per retry in the namespace and in etcd.
 */
@ApplicationScoped
public class GatewayEventRecorder {
    public static final String COMPONENT = "tracegate-provisioner";
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    /** A repeat later than this after the last one starts a new Event (count 1). */
    static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);
    /** Events remembered for counting repeats, least recently recorded out first (client-go keeps 4,096 too). */
    static final int REMEMBERED = 4096;
    /** Characters of an Event's message: events.k8s.io/v1 admits a note of at most 1 kB; about that here. */
    static final int MAX_MESSAGE = 1000;
    private static final Logger LOG = Logger.getLogger(GatewayEventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;
    /** Guarded by itself; held only to find an entry, never during a call to the API server. */
    private final Map<Key, Told> recent;

    @Inject
    public GatewayEventRecorder(KubernetesClient client) {
        this(client, Clock.systemUTC(), REMEMBERED);
    }

    GatewayEventRecorder(KubernetesClient client, Clock clock, int remembered) {
        this.client = client;
        this.clock = clock;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Told> eldest) {
                return size() > remembered;
            }
        };
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
        String text = Conditions.cut(message, MAX_MESSAGE);
        Told told = told(new Key(gateway.getMetadata().getUid(), type, reason, text));
        // One key's repeats reach the API server one at a time, so that counts never go back; other keys go on.
        synchronized (told) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            if (told.name != null && now.isBefore(told.last.plus(REPEAT_WINDOW)) && counted(gateway, reason, told, now)) {
                return;
            }
            create(gateway, type, reason, text, told, now);
        }
    }

    private Told told(Key key) {
        synchronized (recent) {
            return recent.computeIfAbsent(key, k -> new Told());
        }
    }

    /** Counts a repeat on the Event made before; false when that Event is gone, so a new one is made. */
    private boolean counted(TempoGateway gateway, String reason, Told told, Instant now) {
        String patch = "{\"count\":" + (told.count + 1) + ",\"lastTimestamp\":\"" + now + "\"}";
        // Given an Event, fabric8 sends the patch alone; given only a name, it would read the Event first.
        // The key's uid is one TempoGateway, so the Event is in that TempoGateway's namespace.
        String namespace = gateway.getMetadata().getNamespace();
        Event named = new EventBuilder().withNewMetadata().withNamespace(namespace).withName(told.name).endMetadata().build();
        try {
            client.v1().events().inNamespace(namespace).resource(named).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            told.count++;
            told.last = now;
        } catch (KubernetesClientException e) {
            // Gone: expired (the API server keeps Events an hour after their last write, by default) or deleted.
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            LOG.warnf("Could not count a repeat of Event %s on TempoGateway %s: %s", reason, gateway.key(), e.getMessage());
        }
        return true;
    }

    private void create(TempoGateway gateway, String type, String reason, String message, Told told, Instant now) {
        String namespace = gateway.getMetadata().getNamespace();
        String name = gateway.getMetadata().getName() + "." + Long.toHexString(System.nanoTime());
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
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
                .withMessage(message)
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
            told.name = name;
            told.count = 1;
            told.last = now;
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record Event %s on TempoGateway %s: %s", reason, gateway.key(), e.getMessage());
        }
    }

    /**
     * What makes two Events one, as client-go's key: the uid stands for the TempoGateway (a re-created one is a new
     * object), and the source is always this provisioner.
     */
    private record Key(String uid, String type, String reason, String message) {
    }

    /** The Event last made for a key; guarded by its own lock. {@code name} is null until one is made. */
    private static final class Told {
        String name;
        int count;
        Instant last;
    }
}
